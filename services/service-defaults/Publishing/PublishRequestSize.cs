using System.Globalization;
using System.Text;
using Google.Protobuf;
using LogDapr.Contracts.CloudEvents;

namespace LogDapr.ServiceDefaults.Publishing;

/// <summary>
/// The size of a bulk publish as daprd receives it: the serialized gRPC <c>BulkPublishRequest</c> (pubsub_name = 1,
/// topic = 2, repeated entries = 3, each entry_id = 1, event = 2, content_type = 3), which daprd refuses above its
/// <c>--max-body-size</c> (4 MiB by default; dapr/dapr v1.16.0 cmd/daprd/options/options.go and pkg/api/grpc/server.go,
/// grpc MaxRecvMsgSize). Entries are numbered "0", "1", ... and typed application/cloudevents+json, as
/// <see cref="DaprPublishClient.BulkRequest"/> sends them. Pure.
/// </summary>
public static class PublishRequestSize
{
    private static readonly int ContentTypeField = Field(Encoding.UTF8.GetByteCount(CloudEventTypes.CloudEventContentType));

    /// <summary>The request without entries: the pubsub and topic names.</summary>
    public static int Request(string pubsubName, string topic)
        => Field(Encoding.UTF8.GetByteCount(pubsubName)) + Field(Encoding.UTF8.GetByteCount(topic));

    /// <summary>What one more entry adds: the <paramref name="index"/>-th of the request, holding an envelope of that many bytes.</summary>
    public static int Entry(int index, int envelopeBytes)
    {
        var entry = Field(Digits(index)) + Field(envelopeBytes) + ContentTypeField;
        return Field(entry);
    }

    /// <summary>A length-delimited field: a one-byte tag (field numbers below 16), the length as a varint, the bytes.</summary>
    private static int Field(int length) => 1 + CodedOutputStream.ComputeLengthSize(length) + length;

    private static int Digits(int index) => index.ToString(CultureInfo.InvariantCulture).Length;
}
