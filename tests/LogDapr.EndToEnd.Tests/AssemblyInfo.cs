// Each test runs a whole pipeline (Postgres, sidecar, two services) on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
