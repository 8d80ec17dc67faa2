printf 'team,period,measure,value\nA,2024-01,revenue,1\n' > measurements.csv
for i in 1 2 3 4 5 6; do head -c 1000000 /dev/zero | tr '\000' 'x' | sed 's/^/"/;s/$/",/' ; done | tr -d '\n' >> measurements.csv
printf '2024-01,revenue,2\n' >> measurements.csv
