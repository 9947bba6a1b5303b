"""cronaca runtime core: labels, features, models and prediction. Never imports training."""
