mkfifo f.yml
