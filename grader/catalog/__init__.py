"""The catalog of exercise packs: what a pack declares (questions, checks, points) and where the
installed packs are found. Declarative and cheap to import: no torch, no kernel."""
