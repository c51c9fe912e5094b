// Building the images and running containers saturates a 2-core machine: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
