"""Synthetic test data (試験用の架空のデータ): vision documents and areas made from the example and the national list.

Pure text generation, no I/O beyond the package's own data: the documents and area files made here go through the
normal readers and services (``renkei demo-data``, :mod:`renkei.services.demo_data`) and the benchmarks.
"""
