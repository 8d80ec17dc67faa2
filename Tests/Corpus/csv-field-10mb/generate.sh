printf 'team,period,measure,value\nA,2024-01,revenue,1\n' > measurements.csv
printf 'B' >> measurements.csv
head -c 10485760 /dev/zero | tr '\000' 'x' >> measurements.csv
printf ',2024-01,revenue,2\n' >> measurements.csv
