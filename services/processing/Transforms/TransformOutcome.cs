namespace LogDapr.Processing.Transforms;

internal enum TransformOutcome
{
    Continue,
    Dropped,
    SampledOut,
}
