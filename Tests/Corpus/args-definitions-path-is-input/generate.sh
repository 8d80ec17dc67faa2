ln measurements.csv out.csv.definitions.json
