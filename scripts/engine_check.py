"""Developer aid: run assess() over a .tsv or the YAML phrasing cases and list misses."""
import sys, glob, yaml, time
from bot.safety import assess, Level
from bot.safety.engine import Context

def rows():
    for arg in sys.argv[1:]:
        if arg.endswith(".tsv"):
            for line in open(arg):
                if "\t" in line:
                    lab, text = line.rstrip("\n").split("\t", 1)
                    yield lab, text, {}
        else:
            for f in sorted(glob.glob(arg)):
                for c in yaml.safe_load(open(f)):
                    yield c["level"].upper(), c["text"], c.get("context") or {}

miss = 0; n = 0; under = 0; t0 = time.time()
for lab, text, ctx in rows():
    n += 1
    a = assess(text, ctx)
    exp = Level.parse(lab)
    if a.level != exp:
        miss += 1
        if a.level < exp and exp >= Level.URGENT: under += 1
        print(f"{lab:9} got {a.level.name:9} {text[:110]!r} signs={a.signs} neg={a.negated} hyp={a.hypothetical} age={a.age_months and round(a.age_months,2)} t={a.temperature_c} d={a.fever_days}")
print(f"n={n} miss={miss} under={under} {1000*(time.time()-t0)/max(n,1):.1f} ms/msg")
