{ printf 'name: big\n'; i=0; while [ $i -lt 3000 ]; do printf '# %0400d\n' $i; i=$((i+1)); done; } > scorecard.yml
