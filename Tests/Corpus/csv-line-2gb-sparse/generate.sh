printf 'team,period,measure,value\nA,2024-01,revenue,1\nB,2024-01,revenue,' > measurements.csv
truncate -s 2147483648 measurements.csv
