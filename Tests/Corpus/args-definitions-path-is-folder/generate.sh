mkdir out.csv.definitions.json
