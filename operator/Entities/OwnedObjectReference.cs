using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LogDapr.Operator.Entities;

[Description("Reference to an object the operator owns.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed class OwnedObjectReference
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public string Name { get; set; } = "";
}
