"""storyline on Apache Spark: the local engine's stages, moved onto executors.

``run_spark_build(inputs, manifest, out_dir, settings, master)`` runs the whole
pipeline and writes Parquet tables (``spark.tables``); ``import_tables`` loads
them into the SQLite store. Importing this package does not import pyspark:
only ``run_spark_build`` and ``spark_session`` need it.

Modules: ``inputs`` (manifest, URIs, fetching), ``articles`` (per-article
stages in ``mapPartitions``), ``stories`` (document frequencies, blocking keys,
the local dedup/clusterer per block), ``blocks`` (connected components),
``tables`` (Parquet schemas, import), ``job`` (the driver).
"""

from storyline.spark.job import SparkBuild, run_spark_build, spark_session
from storyline.spark.tables import import_tables

__all__ = ["SparkBuild", "import_tables", "run_spark_build", "spark_session"]
