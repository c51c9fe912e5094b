using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Size limits applied after redaction.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingLimitsSpec
{
    [Description("Attribute values longer than this many UTF-8 bytes are cut at a character boundary (default 4096).")]
    [Range(1, 1048576)]
    public int? MaxAttributeValueBytes { get; set; }
}
