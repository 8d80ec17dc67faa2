mkfifo f.csv
