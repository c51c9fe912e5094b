namespace LogDapr.Contracts.CloudEvents;

/// <summary>
/// The topic contract. A message on the logs topic is a CloudEvent whose <c>data</c> is either one LogEvent v1
/// object, a JSON array of them, or <c>{"events":[...]}</c>. Producers other than ingest may publish any of the
/// three shapes through Dapr's publish API; the aggregator counts each message exactly once by its CloudEvent id.
/// </summary>
public static class CloudEventTypes
{
    public const string LogEvent = "io.logdapr.log.v1";
    public const string LogBatch = "io.logdapr.logbatch.v1";
    public const string Source = "logdapr/ingest";
    public const string DataSchema = "https://logdapr.io/schemas/logevent-v1.json";
    public const string JsonContentType = "application/json";
    public const string CloudEventContentType = "application/cloudevents+json";
}
