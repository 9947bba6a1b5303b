from cronaca.inference.batching import budget_batches, pad_batch


def test_budget_batches_cover_every_row_once_within_budget():
    lengths = [5, 40, 7, 33, 12, 12, 90, 3, 64, 20]
    batches = budget_batches(lengths, batch_tokens=100, max_batch_size=4)
    flat = sorted(i for batch in batches for i in batch)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 4
        width = max(lengths[i] for i in batch)
        assert width * len(batch) <= 100 or len(batch) == 1


def test_pad_batch_masks_and_ignores_padding():
    batch = pad_batch([[5, 6, 7], [8]], pad_id=1, labels=[[0, 1, 0], [2]])
    assert batch["input_ids"].tolist() == [[5, 6, 7], [8, 1, 1]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [[0, 1, 0], [2, -100, -100]]
