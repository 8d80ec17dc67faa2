printf 'team,period,measure,value\nA,2024-01,revenue,1\nA,2024-02,' > measurements.csv
head -c 2097152 /dev/zero | tr '\000' 'r' >> measurements.csv
printf ',2\n' >> measurements.csv
