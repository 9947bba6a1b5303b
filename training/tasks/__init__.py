"""Fine-tuning: :mod:`.train` (the entry point, ``train(config)``), :mod:`.loop` (the loop
every task shares), the tasks :mod:`.ner` and :mod:`.events`, and :mod:`.common` (what the
tasks share: data files, the base encoder with a new head, saving)."""
