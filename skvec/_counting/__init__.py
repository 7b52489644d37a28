"""The co-occurrence counting engine.

``engine`` counts an encoded corpus into CSR matrices; ``spill`` bounds the
memory of a count by spilling partial counts to disk and merging them;
``shards`` counts a corpus cut into shards in joblib jobs.  The estimator in
``skvec.cooccurrence`` chooses among them; nothing here imports an estimator.
"""
