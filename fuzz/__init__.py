"""Coverage-guided fuzzing (atheris) of renkei's readers: one harness module per target; see fuzz/README.md."""
