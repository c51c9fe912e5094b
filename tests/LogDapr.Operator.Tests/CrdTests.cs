using System.Reflection;
using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Entities.CrdSchema;
using LogDapr.Operator.Serialization;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.CrdValidation;

namespace LogDapr.Operator.Tests;

public sealed class CrdTests
{
    private static JsonObject CheckedInCrd() => YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0].AsObject();

    [Fact]
    public async Task Checked_in_CRDs_are_what_the_generator_produces_from_the_types()
    {
        var generated = CrdGenerator.GenerateYaml();
        if (RepoPaths.UpdateGolden)
        {
            await File.WriteAllTextAsync(RepoPaths.CrdFile, generated);
            await File.WriteAllTextAsync(RepoPaths.ChartCrdFile, generated);
        }
        foreach (var file in new[] { RepoPaths.CrdFile, RepoPaths.ChartCrdFile })
        {
            var text = await File.ReadAllTextAsync(file);
            if (text != generated)
            {
                Assert.Fail($"{file} is not what `logdapr-operator crd` generates (LOGDAPR_UPDATE_GOLDEN=1 or `logdapr-operator crd -o` updates it):\n"
                    + TextDiff.Unified(text, generated, file, "generated"));
            }
        }
    }

    /// <summary>
    /// Walks the checked-in schema and the C# types independently of the generator: a property in one and not the
    /// other fails, whichever side it was added to.
    /// </summary>
    [Fact]
    public void Crd_schema_and_entity_types_have_the_same_fields_both_ways()
    {
        var root = StructuralSchemaValidator.FromCrd(CheckedInCrd()).Schema;
        var problems = new List<string>();
        Compare(typeof(LogPipelineSpec), root["properties"]!["spec"]!.AsObject(), "spec", problems);
        Compare(typeof(LogPipelineStatus), root["properties"]!["status"]!.AsObject(), "status", problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static void Compare(Type type, JsonObject schema, string path, List<string> problems)
    {
        var schemaProperties = (schema["properties"] as JsonObject ?? []).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var typeProperties = CrdGenerator.JsonProperties(type).ToDictionary(CrdGenerator.JsonName, p => p, StringComparer.Ordinal);
        foreach (var missing in typeProperties.Keys.Except(schemaProperties))
        {
            problems.Add($"{path}.{missing} exists in {type.Name} but not in the CRD");
        }
        foreach (var missing in schemaProperties.Except(typeProperties.Keys))
        {
            problems.Add($"{path}.{missing} exists in the CRD but not in {type.Name}");
        }
        foreach (var (name, property) in typeProperties)
        {
            if (schema["properties"]?[name] is not JsonObject child)
            {
                continue;
            }
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(List<>))
            {
                propertyType = propertyType.GetGenericArguments()[0];
                child = child["items"]!.AsObject();
            }
            // Int-or-string values (a Kubernetes ResourceQuantity) are scalars in the schema, whatever their C# shape.
            if (propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsGenericType && child["x-kubernetes-int-or-string"] is null)
            {
                Compare(propertyType, child, $"{path}.{name}", problems);
            }
            var required = (schema["required"] as JsonArray)?.Any(r => r!.GetValue<string>() == name) == true;
            // The Kubernetes models carry no [JsonRequired]; their required fields are listed in KubernetesModelSchema.
            if (type.Namespace != typeof(k8s.Models.V1ObjectMeta).Namespace && required != (property.GetCustomAttribute<System.Text.Json.Serialization.JsonRequiredAttribute>() is not null))
            {
                problems.Add($"{path}.{name}: required in {(required ? "the CRD" : type.Name)} only");
            }
        }
    }

    [Fact]
    public void Every_default_in_the_schema_is_valid()
    {
        var validator = StructuralSchemaValidator.FromCrd(CheckedInCrd());
        var errors = validator.ValidateDefaults();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void Schema_defaults_and_CSharp_defaults_agree()
    {
        // The API server fills defaults from the schema; `render -f` relies on the C# initializers. Both must
        // produce the same object, or a pipeline would render differently in and out of a cluster.
        var validator = StructuralSchemaValidator.FromCrd(CheckedInCrd());
        foreach (var file in Samples.Files)
        {
            foreach (var doc in Samples.Documents(file).Where(LogPipelineDocuments.IsLogPipeline))
            {
                var (defaulted, errors) = validator.Validate(doc);
                Assert.Empty(errors);
                var fromSchema = OperatorJson.ToJsonObject(LogPipelineDocuments.FromJson(defaulted).Spec);
                var fromTypes = OperatorJson.ToJsonObject(LogPipelineDocuments.FromJson(doc).Spec);
                Assert.True(JsonNode.DeepEquals(fromSchema, fromTypes), $"{file}: schema-defaulted spec\n{fromSchema}\ndiffers from\n{fromTypes}");
                Assert.True(JsonNode.DeepEquals(defaulted["spec"], fromTypes), $"{file}: the schema adds or omits fields:\n{defaulted["spec"]}\nvs\n{fromTypes}");
            }
        }
    }

    [Fact]
    public void Crd_has_status_subresource_and_printer_columns()
    {
        var version = CheckedInCrd()["spec"]!["versions"]![0]!;
        Assert.NotNull(version["subresources"]!["status"]);
        var columns = version["additionalPrinterColumns"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("Broker", columns);
        Assert.Contains("Ready", columns);
        Assert.Contains("Age", columns);
    }
}
