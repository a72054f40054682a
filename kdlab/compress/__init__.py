"""Compression next to distillation: int8 quantization, pruning and low-rank factorisation of a finished run's
students, optional recovery fine-tuning from the labels or the teacher, every variant measured (accuracy, size on
disk, FLOPs, CPU latency), stored with its run, and exported as safetensors or ONNX.

torchao, onnx, onnxscript, onnxruntime and safetensors are imported inside the functions that need them, so the
rest of kdlab runs where they are not installed.
"""
