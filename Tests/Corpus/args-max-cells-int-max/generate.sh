{ echo team,period,measure,value; awk 'BEGIN{for(i=0;i<1000;i++) printf "t%04d,1900-01-01,m0000,1\n", i; for(j=1;j<1400;j++) printf "t0000,2099-12-31,m%04d,1\n", j}'; } > measurements.csv
