"""The results and experiments JSON APIs, for managers and reps."""
