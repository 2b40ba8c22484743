set -e
OUT=$1
cd "$OUT"
gp() { PYTHONPATH=/tmp/old /work/main/.venv/bin/python -c 'import sys; sys.argv[0]="greenprompt"; from greenprompt.cli import main; main()' "$@"; }
export GREENPROMPT_HOME="$OUT/home"
rm -rf expected; mkdir -p expected
for id in $(cat store-v0.ids); do
  cp store-v0.db /tmp/s.db; rm -f /tmp/s.db-wal /tmp/s.db-shm
  gp runs show $id --store /tmp/s.db --json > expected/$id.show.json
  gp runs show $id --store /tmp/s.db --json --scorer contains --min-quality 0.1 > expected/$id.rescored.json
  gp runs export $id expected/$id.export --store /tmp/s.db -q
done
gp runs list --store /tmp/s.db --json > expected/list.json
