"""The course data layer: DNA for assignments 02-04.

- ``synthetic_dna``: seeded synthetic promoter-like and enhancer-like data sets, and a writer of
  the Genomic Benchmarks folder layout.
- ``genomic_benchmarks``: a reader of that layout, and ``load_dataset``, which uses the real data
  when it is on disk and the synthetic stand-in otherwise.
"""
