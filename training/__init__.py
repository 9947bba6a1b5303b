"""cronaca training side: corpora, base encoders, fine-tuning, baselines and evaluation."""
