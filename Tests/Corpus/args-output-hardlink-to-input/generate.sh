ln measurements.csv copy.csv
