"""The classifier wing: features, the model, training, evaluation and corpora.

The pipeline reaches it only through `scorer.ml.classifier` (the model the classifier check
applies); training and evaluation (`spamscore train`, `spamscore eval`) are commands that load
it on demand, so checking a message never imports scikit-learn.
"""
