"""`python -m models [MODELS_DIR]`: materialise the default model (if needed) and print its folder."""
import sys

from models.materialise import DEFAULT_MODELS_DIR, ensure_default_model

print(ensure_default_model(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODELS_DIR))
