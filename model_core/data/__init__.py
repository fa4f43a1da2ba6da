"""Dataset readers for the real grounding formats and the synthetic study generator.

The generator lives in `model_core.data.synthetic`; it needs only numpy, OpenCV and
pydicom, so training data can be made on a machine without torch or Qt.
"""
