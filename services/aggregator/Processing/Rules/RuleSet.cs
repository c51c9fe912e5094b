using LogDapr.Aggregator.Decoding;
using LogDapr.Processing;

namespace LogDapr.Aggregator.Processing.Rules;

/// <summary>
/// One loaded rules document, whole: the processor that applies it and the decoder that reads messages with its
/// field mapping. A delivery takes one RuleSet at its start and uses it to the end, so no message is ever processed
/// half by old rules and half by new ones.
/// </summary>
public sealed record RuleSet(EventProcessor Processor, DeliveryDecoder Decoder, string Text)
{
    public string Version => Processor.Version;
}
