ln -s measurements.csv link.csv
