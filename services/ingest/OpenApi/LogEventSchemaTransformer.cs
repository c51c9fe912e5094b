using LogDapr.Contracts.Events;
using LogDapr.Ingest.Ingestion;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace LogDapr.Ingest.OpenApi;

/// <summary>
/// Puts the published LogEvent v1 JSON Schema (the same file clients validate against) into the OpenAPI
/// document, and describes the request body as one event, an array of events, or {"events":[...]}.
/// </summary>
internal sealed class LogEventSchemaTransformer : IOpenApiDocumentTransformer
{
    private const string EventSchemaName = "LogEventV1";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var eventSchema = OpenApiModelFactory.Parse<OpenApiSchema>(LogEventSchema.Json, OpenApiSpecVersion.OpenApi3_1, document, out _, "json");
        if (eventSchema is null)
        {
            throw new InvalidOperationException("The embedded LogEvent v1 JSON Schema could not be read as an OpenAPI schema.");
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[EventSchemaName] = eventSchema;

        var reference = new OpenApiSchemaReference(EventSchemaName, document);
        document.Components.Schemas[nameof(LogEventDocument)] = new OpenApiSchema
        {
            Description = "One LogEvent v1 object, a JSON array of them, or {\"events\":[...]}. As NDJSON: one object per line.",
            OneOf =
            [
                reference,
                new OpenApiSchema { Type = JsonSchemaType.Array, Items = reference },
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "events" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["events"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = reference },
                    },
                },
            ],
        };
        DescribeRequestBody(document);
        return Task.CompletedTask;
    }

    // The body is read by LogEventReader, not model binding, so the operation is described here rather than
    // with .Accepts<T>() — which would also make routing answer 415 itself, without our problem details.
    private static void DescribeRequestBody(OpenApiDocument document)
    {
        if (document.Paths?.TryGetValue(LogsEndpoint.Route, out var path) != true
            || path!.Operations?.TryGetValue(HttpMethod.Post, out var operation) != true)
        {
            return;
        }

        var body = new OpenApiSchemaReference(nameof(LogEventDocument), document);
        operation!.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "LogEvent v1 events, in UTF-8 (another charset gets 415). application/json also under any +json type; "
                + "NDJSON as application/x-ndjson, application/jsonl or application/json-lines. Content-Encoding: gzip is accepted; limits apply after decompression.",
            Content = PayloadFormats.Accepted.ToDictionary(
                type => type,
                type => new OpenApiMediaType
                {
                    // NDJSON and its aliases: one event object per line, so each line has the event schema.
                    Schema = type == PayloadFormats.Json ? body : new OpenApiSchemaReference(EventSchemaName, document),
                }),
        };
    }
}
