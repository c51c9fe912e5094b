using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Permissions;

namespace LogDapr.Operator.Tests.Support.Fakes;

/// <summary>
/// An in-memory Kubernetes API server with the semantics the operator depends on:
/// a global resourceVersion that increases on every write; optimistic concurrency (an update with a stale
/// resourceVersion gets 409); 404 / 409 AlreadyExists; watches replayed from a resourceVersion, 410 Gone when it is
/// older than the retained history; server-side apply with per-manager field ownership, conflicts and force;
/// status subresource separate from the main resource; metadata.generation bumped only on spec changes;
/// finalizers that turn a delete into a deletionTimestamp; owner references with background garbage collection;
/// admission validation per resource type; and optional RBAC with an audit log of (group, resource, verb).
/// </summary>
public sealed partial class FakeApiServer
{
    private readonly object gate = new();
    private readonly Dictionary<(ResourceType Type, string Namespace, string Name), Stored> objects = [];
    private readonly List<HistoryEntry> history = [];
    private readonly List<Watcher> watchers = [];
    private readonly Dictionary<ResourceType, Func<JsonObject, (JsonObject Admitted, IReadOnlyList<string> Errors)>> admission = [];
    private long revision = 100;
    private long compactedRevision;

    public FakeApiServer(TimeProvider? time = null) => Time = time ?? TimeProvider.System;

    public TimeProvider Time { get; }

    /// <summary>Most recent events kept for watches; older resourceVersions get 410 Gone.</summary>
    public int HistoryLimit { get; set; } = 10_000;

    /// <summary>
    /// When set, every request made by a client (see <see cref="As{T}"/>) is checked:
    /// (user, apiGroup, resource incl. subresource, verb, namespace or null, object name or null) -> allowed. As in
    /// RBAC the name is only known for requests on one object (get, update, patch, delete), not for list, watch and
    /// create. Direct calls from test code (no user) are neither authorized nor audited, like a cluster admin's kubectl.
    /// </summary>
    public Func<string, string, string, string, string?, string?, bool>? Authorizer { get; set; }

    /// <summary>Every client request as (user, apiGroup, resource, verb), including refused ones.</summary>
    public ConcurrentQueue<(string User, string Group, string Resource, string Verb)> Audit { get; } = new();

    /// <summary>The requests <see cref="Authorizer"/> refused (403), with the object name when there was one.</summary>
    public ConcurrentQueue<(string User, string Group, string Resource, string Verb, string? Name)> Refusals { get; } = new();

    private readonly AsyncLocal<string?> caller = new();

    /// <summary>Runs a call as a client identity (what a bearer token would establish).</summary>
    public T As<T>(string user, Func<T> call)
    {
        var previous = caller.Value;
        caller.Value = user;
        try
        {
            return call();
        }
        finally
        {
            caller.Value = previous;
        }
    }

    /// <summary>
    /// Called at the start of every update, status update and apply (before preconditions are checked), with the
    /// operation ("update", "status", "apply") and the request body. A test can make a concurrent write here (the
    /// lock is re-entrant), which the request then conflicts with exactly as it would in a cluster.
    /// </summary>
    public Action<string, ResourceType, JsonObject>? BeforeWrite { get; set; }

    /// <summary>Delay before the garbage collector processes a deletion (it is asynchronous in a real cluster too).</summary>
    public TimeSpan GarbageCollectionDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    public long CurrentRevision
    {
        get
        {
            lock (gate)
            {
                return revision;
            }
        }
    }

    /// <summary>Registers an admission step (defaulting + validation) for a type, like a CRD's schema.</summary>
    public void AddAdmission(ResourceType type, Func<JsonObject, (JsonObject Admitted, IReadOnlyList<string> Errors)> admit) => admission[type] = admit;

    /// <summary>Forgets all watch history: any watch from an earlier resourceVersion now gets 410 Gone.</summary>
    public void Compact()
    {
        lock (gate)
        {
            history.Clear();
            compactedRevision = revision;
        }
    }

    /// <summary>Ends every open watch, as an API server does when a watch times out.</summary>
    public void CloseWatches()
    {
        lock (gate)
        {
            foreach (var watcher in watchers)
            {
                watcher.Channel.Writer.TryComplete();
            }
            watchers.Clear();
        }
    }

    // ------------------------------------------------------------------ reads

    public JsonObject Get(ResourceType type, string? ns, string name, string user = "test")
    {
        Authorize(type, OperatorPermissions.Get, ns, name);
        lock (gate)
        {
            return objects.TryGetValue(Key(type, ns, name), out var stored)
                ? Present(stored)
                : throw NotFound(type, name);
        }
    }

    public JsonObject? TryGet(ResourceType type, string? ns, string name)
    {
        lock (gate)
        {
            return objects.TryGetValue(Key(type, ns, name), out var stored) ? Present(stored) : null;
        }
    }

    public ObjectList List(ResourceType type, string? ns, string? labelSelector)
    {
        Authorize(type, OperatorPermissions.List, ns);
        lock (gate)
        {
            var items = objects
                .Where(o => o.Key.Type == type && (ns is null || o.Key.Namespace == ns) && Matches(o.Value.Object, labelSelector))
                .OrderBy(o => o.Key.Namespace, StringComparer.Ordinal).ThenBy(o => o.Key.Name, StringComparer.Ordinal)
                .Select(o => Present(o.Value))
                .ToList();
            return new ObjectList(items, revision.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Objects of a type, without authorization or auditing (for test assertions).</summary>
    public IReadOnlyList<JsonObject> All(ResourceType type, string? ns = null)
    {
        lock (gate)
        {
            return objects.Where(o => o.Key.Type == type && (ns is null || o.Key.Namespace == ns))
                .OrderBy(o => o.Key.Name, StringComparer.Ordinal)
                .Select(o => Present(o.Value))
                .ToList();
        }
    }

    public ChannelReader<WatchEvent> Watch(ResourceType type, string? ns, string? labelSelector, string resourceVersion, CancellationToken cancellationToken)
    {
        Authorize(type, OperatorPermissions.Watch, ns);
        var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (gate)
        {
            long from = string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0"
                ? revision
                : long.Parse(resourceVersion, CultureInfo.InvariantCulture);
            if (from < compactedRevision || (history.Count > 0 && from < history[0].Revision - 1 && from < revision))
            {
                throw KubeApiException.Gone($"too old resource version: {from} ({compactedRevision})");
            }
            var watcher = new Watcher(type, ns, labelSelector, channel);
            foreach (var entry in history.Where(h => h.Revision > from))
            {
                watcher.Offer(entry);
            }
            watchers.Add(watcher);
            cancellationToken.Register(() =>
            {
                lock (gate)
                {
                    watchers.Remove(watcher);
                }
                channel.Writer.TryComplete();
            });
        }
        return channel.Reader;
    }

    // ------------------------------------------------------------------ writes

    public JsonObject Create(ResourceType type, JsonObject input, string manager = "test")
    {
        var ns = type.Namespaced ? input.Namespace() : null;
        var name = input.Name();
        Authorize(type, OperatorPermissions.Create, ns);
        lock (gate)
        {
            return CreateLocked(type, input, ns, name, manager, "Update", null);
        }
    }

    public JsonObject Update(ResourceType type, JsonObject input, string manager = "test")
    {
        var ns = type.Namespaced ? input.Namespace() : null;
        var name = input.Name();
        Authorize(type, OperatorPermissions.Update, ns, name);
        lock (gate)
        {
            BeforeWrite?.Invoke("update", type, input);
            if (!objects.TryGetValue(Key(type, ns, name), out var stored))
            {
                throw NotFound(type, name);
            }
            CheckPrecondition(type, stored, input);

            var updated = input.DeepClone().AsObject();
            CarrySystemMetadata(stored.Object, updated);
            if (type.HasStatusSubresource)
            {
                // The main resource cannot change status; only /status can.
                updated.Remove("status");
                if (stored.Object["status"] is { } status)
                {
                    updated["status"] = status.DeepClone();
                }
            }
            FoldStringData(type, updated);
            updated = Admit(type, updated);
            RecordUpdateOwnership(stored, stored.Object, updated, manager);
            return CommitModified(type, stored, updated);
        }
    }

    public JsonObject UpdateStatus(ResourceType type, JsonObject input, string manager = "test")
    {
        var ns = type.Namespaced ? input.Namespace() : null;
        var name = input.Name();
        AuthorizeResource(type.Group, type.Plural + "/status", OperatorPermissions.Update, ns, name);
        lock (gate)
        {
            BeforeWrite?.Invoke("status", type, input);
            if (!type.HasStatusSubresource)
            {
                throw NotFound(type, name + "/status");
            }
            if (!objects.TryGetValue(Key(type, ns, name), out var stored))
            {
                throw NotFound(type, name);
            }
            CheckPrecondition(type, stored, input);
            var updated = stored.Object.DeepClone().AsObject();
            if (input["status"] is { } status)
            {
                updated["status"] = status.DeepClone();
            }
            else
            {
                updated.Remove("status");
            }
            // The apiserver validates the whole object against the CRD's schema on /status writes too.
            updated = Admit(type, updated);
            RecordUpdateOwnership(stored, stored.Object, updated, manager);
            return CommitModified(type, stored, updated);
        }
    }

    /// <summary>Every server-side apply, with the fieldValidation it asked for (null: none, the server's default).</summary>
    public ConcurrentQueue<(ResourceType Type, string Name, string? FieldValidation)> Applies { get; } = new();

    /// <summary>
    /// Server-side apply (PATCH application/apply-patch+yaml). For a custom resource the patch is typed against the
    /// stored CRD's schema first, as the apiserver does (see <see cref="AppliedFieldCheck"/>).
    /// </summary>
    public JsonObject Apply(ResourceType type, JsonObject input, string manager, bool force, string? fieldValidation = null)
    {
        var ns = type.Namespaced ? input.Namespace() : null;
        var name = input.Name();
        Authorize(type, OperatorPermissions.Patch, ns, name);
        if (string.IsNullOrEmpty(manager))
        {
            throw KubeApiException.Invalid("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        }
        var applied = input.DeepClone().AsObject();
        foreach (var systemField in new[] { "resourceVersion", "uid", "managedFields", "creationTimestamp", "generation", "deletionTimestamp" })
        {
            applied.Metadata().Remove(systemField);
        }
        if (type.HasStatusSubresource)
        {
            applied.Remove("status");
        }
        var appliedFields = FieldPaths.Leaves(applied, ["apiVersion", "kind"]);
        appliedFields.RemoveWhere(p => p is "f:metadata\nf:name" or "f:metadata\nf:namespace");

        bool exists;
        lock (gate)
        {
            exists = objects.ContainsKey(Key(type, ns, name));
        }
        if (!exists)
        {
            // The API server authorizes an apply that creates the object as a create.
            Authorize(type, OperatorPermissions.Create, ns);
        }

        Applies.Enqueue((type, name, fieldValidation));
        if (fieldValidation is not (null or "Strict" or "Warn" or "Ignore"))
        {
            throw new KubeApiException(System.Net.HttpStatusCode.BadRequest, "BadRequest", $"fieldValidation: Unsupported value: \"{fieldValidation}\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        }

        lock (gate)
        {
            CheckDeclaredFields(type, input, ns, name);
            BeforeWrite?.Invoke("apply", type, input);
            if (!objects.TryGetValue(Key(type, ns, name), out var stored))
            {
                return CreateLocked(type, applied, ns, name, manager, "Apply", appliedFields);
            }

            var live = stored.Object;
            var conflicts = new List<string>();
            foreach (var (otherManager, entry) in stored.Managers)
            {
                if (otherManager == manager)
                {
                    continue;
                }
                foreach (var path in entry.Fields.Where(appliedFields.Contains).ToList())
                {
                    if (!FieldPaths.Same(live, applied, path))
                    {
                        if (force)
                        {
                            entry.Fields.Remove(path);
                        }
                        else
                        {
                            conflicts.Add($"conflict with \"{otherManager}\" using {type.ApiVersion}: .{string.Join('.', path.Split(FieldPaths.Separator).Select(s => s.StartsWith("f:", StringComparison.Ordinal) ? s[2..] : s))}");
                        }
                    }
                }
            }
            if (conflicts.Count > 0)
            {
                throw KubeApiException.Conflict($"Apply failed with {conflicts.Count} conflict(s): {string.Join("; ", conflicts)}");
            }

            var merged = live.DeepClone().AsObject();
            FieldPaths.Merge(merged, applied);
            if (stored.Managers.TryGetValue(manager, out var previous) && previous.Operation == "Apply")
            {
                // Fields this manager applied before and no longer applies are removed, unless someone else owns them.
                var ownedByOthers = stored.Managers.Where(m => m.Key != manager).SelectMany(m => m.Value.Fields).ToHashSet(StringComparer.Ordinal);
                var stale = previous.Fields.Where(p => !appliedFields.Contains(p) && !ownedByOthers.Contains(p)).ToList();
                // Whole list items first (their key fields identify them), then single fields, deepest first.
                foreach (var path in stale.Where(FieldPaths.IsItem).OrderBy(p => p.Length)
                             .Concat(stale.Where(p => !FieldPaths.IsItem(p) && !FieldPaths.IsItemKeyField(p)).OrderByDescending(p => p.Length)))
                {
                    FieldPaths.Remove(merged, path);
                }
            }
            stored.Managers[manager] = new ManagerEntry("Apply", appliedFields);
            foreach (var (other, entry) in stored.Managers.Where(m => m.Key != manager && m.Value.Fields.Count == 0).ToList())
            {
                stored.Managers.Remove(other);
            }

            merged = Admit(type, merged);
            return CommitModified(type, stored, merged);
        }
    }

    private void CheckDeclaredFields(ResourceType type, JsonObject input, string? ns, string name)
    {
        if (!objects.TryGetValue(Key(KnownResources.CustomResourceDefinitions, null, $"{type.Plural}.{type.Group}"), out var crd)
            || (crd.Object["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(v => v.GetString("name") == type.Version)?["schema"]?["openAPIV3Schema"] is not JsonObject schema)
        {
            return;
        }
        var undeclared = AppliedFieldCheck.Undeclared(input, schema);
        if (undeclared.Count > 0)
        {
            throw new KubeApiException(System.Net.HttpStatusCode.InternalServerError, "InternalError",
                $"failed to create typed patch object ({ns}/{name}; {type.ApiVersion}, Kind={type.Kind}): {string.Join("\n", undeclared.Select(f => f + ": field not declared in schema"))}");
        }
    }

    /// <summary>Deletes with background propagation. With finalizers the object only gets a deletionTimestamp.</summary>
    public void Delete(ResourceType type, string? ns, string name)
    {
        Authorize(type, OperatorPermissions.Delete, ns, name);
        lock (gate)
        {
            if (!objects.TryGetValue(Key(type, ns, name), out var stored))
            {
                throw NotFound(type, name);
            }
            DeleteLocked(type, stored);
        }
    }

    private void DeleteLocked(ResourceType type, Stored stored)
    {
        if (stored.Object["metadata"]?["finalizers"] is JsonArray { Count: > 0 })
        {
            if (stored.Object["metadata"]!["deletionTimestamp"] is null)
            {
                var updated = stored.Object.DeepClone().AsObject();
                updated.Metadata()["deletionTimestamp"] = Timestamp();
                CommitModified(type, stored, updated, bumpGenerationAnyway: true);
            }
            return;
        }
        RemoveLocked(type, stored);
    }

    private void RemoveLocked(ResourceType type, Stored stored)
    {
        objects.Remove(Key(type, stored.Object.Namespace(), stored.Object.Name()));
        revision++;
        var snapshot = stored.Object.DeepClone().AsObject();
        snapshot.Metadata()["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        Publish(new HistoryEntry(revision, type, WatchEventType.Deleted, snapshot));

        var uid = stored.Object.Uid();
        if (uid is not null)
        {
            _ = CollectGarbageAsync(uid);
        }
    }

    /// <summary>The garbage collector: dependents whose owners are all gone are deleted (recursively, via this same path).</summary>
    private async Task CollectGarbageAsync(string deletedUid)
    {
        await Task.Delay(GarbageCollectionDelay).ConfigureAwait(false);
        lock (gate)
        {
            var liveUids = objects.Values.Select(o => o.Object.Uid()).Where(u => u is not null).ToHashSet(StringComparer.Ordinal);
            var dependents = objects
                .Where(o => (o.Value.Object["metadata"]?["ownerReferences"] as JsonArray)?
                    .OfType<JsonObject>().Any(r => r.GetString("uid") == deletedUid) == true)
                .ToList();
            foreach (var (key, stored) in dependents)
            {
                var owners = ((JsonArray)stored.Object["metadata"]!["ownerReferences"]!).OfType<JsonObject>().ToList();
                if (owners.All(r => !liveUids.Contains(r.GetString("uid") ?? "")))
                {
                    DeleteLocked(key.Type, stored);
                }
            }
        }
    }

    // ------------------------------------------------------------------ internals

    private JsonObject CreateLocked(ResourceType type, JsonObject input, string? ns, string name, string manager, string operation, HashSet<string>? fields)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 253 || !NamePattern().IsMatch(name))
        {
            throw KubeApiException.Invalid($"{type.Kind} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'");
        }
        if (type.Group.Length == 0 && type.Kind == "Service" && (name.Length > 63 || !ServiceNamePattern().IsMatch(name)))
        {
            // ValidateServiceName (kubernetes pkg/apis/core/validation): a Service name is a DNS-1035 label.
            throw KubeApiException.Invalid($"Service \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
        }
        if (type.Namespaced && string.IsNullOrEmpty(ns))
        {
            throw KubeApiException.Invalid($"{type.Kind} \"{name}\" is invalid: metadata.namespace: Required value");
        }
        if (objects.ContainsKey(Key(type, ns, name)))
        {
            throw KubeApiException.AlreadyExists($"{type.Plural}.{type.Group} \"{name}\" already exists");
        }
        var created = input.DeepClone().AsObject();
        created["apiVersion"] = type.ApiVersion;
        created["kind"] = type.Kind;
        var metadata = created.Metadata();
        foreach (var systemField in new[] { "resourceVersion", "managedFields", "deletionTimestamp" })
        {
            metadata.Remove(systemField);
        }
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Timestamp();
        metadata["generation"] = 1L;
        if (type.HasStatusSubresource)
        {
            // Status is written through /status only, never on create.
            created.Remove("status");
        }
        FoldStringData(type, created);
        created = Admit(type, created);

        var stored = new Stored(created);
        stored.Managers[manager] = new ManagerEntry(operation, fields ?? FieldPaths.Leaves(created, ["apiVersion", "kind"]).Where(p => !p.StartsWith("f:metadata\nf:uid", StringComparison.Ordinal) && !p.StartsWith("f:metadata\nf:creationTimestamp", StringComparison.Ordinal) && !p.StartsWith("f:metadata\nf:generation", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal));
        revision++;
        // Admission may have returned a new object: set the version on what is stored.
        created.Metadata()["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        objects[Key(type, ns, name)] = stored;
        Publish(new HistoryEntry(revision, type, WatchEventType.Added, created.DeepClone().AsObject()));

        // Kubernetes' garbage collector also deletes an object that is created with owners already gone (a dangling
        // ownerReference: here, a reconcile that was applying when its LogPipeline was deleted).
        var ownerUids = (created.Metadata()["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .Select(r => r.GetString("uid") ?? "").ToList() ?? [];
        if (ownerUids.Count > 0 && !objects.Values.Any(o => ownerUids.Contains(o.Object.Uid() ?? "")))
        {
            _ = CollectGarbageAsync(ownerUids[0]);
        }
        return Present(stored);
    }

    private JsonObject CommitModified(ResourceType type, Stored stored, JsonObject updated, bool bumpGenerationAnyway = false)
    {
        var before = Strip(stored.Object);
        var after = Strip(updated);
        if (JsonNode.DeepEquals(before, after))
        {
            // A no-op write does not create a new resourceVersion (and sends no watch event).
            return Present(stored);
        }
        var generation = stored.Object["metadata"].GetLong("generation") ?? 1;
        if (SpecChanged(stored.Object, updated) || bumpGenerationAnyway)
        {
            generation++;
        }
        updated.Metadata()["generation"] = generation;
        revision++;
        updated.Metadata()["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        stored.Object = updated;

        // An object being deleted goes away once its last finalizer is removed.
        if (updated["metadata"]?["deletionTimestamp"] is not null && updated["metadata"]?["finalizers"] is not JsonArray { Count: > 0 })
        {
            RemoveLocked(type, stored);
            return Present(stored);
        }
        Publish(new HistoryEntry(revision, type, WatchEventType.Modified, updated.DeepClone().AsObject()));
        return Present(stored);
    }

    /// <summary>Everything except metadata.resourceVersion/managedFields/generation, for no-op detection.</summary>
    private static JsonObject Strip(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy.Metadata().Remove("resourceVersion");
        copy.Metadata().Remove("managedFields");
        copy.Metadata().Remove("generation");
        return copy;
    }

    /// <summary>metadata.generation follows the desired state: anything but metadata and status.</summary>
    private static bool SpecChanged(JsonObject before, JsonObject after)
    {
        var a = before.DeepClone().AsObject();
        var b = after.DeepClone().AsObject();
        foreach (var o in new[] { a, b })
        {
            o.Remove("metadata");
            o.Remove("status");
        }
        return !JsonNode.DeepEquals(a, b);
    }

    private static void CheckPrecondition(ResourceType type, Stored stored, JsonObject input)
    {
        var expected = input.ResourceVersion();
        if (!string.IsNullOrEmpty(expected) && expected != stored.Object.ResourceVersion())
        {
            throw KubeApiException.Conflict($"Operation cannot be fulfilled on {type.Plural}.{type.Group} \"{stored.Object.Name()}\": the object has been modified; please apply your changes to the latest version and try again");
        }
        if (input.Uid() is { Length: > 0 } uid && uid != stored.Object.Uid())
        {
            throw KubeApiException.Conflict($"Precondition failed: UID in precondition: {uid}, UID in object meta: {stored.Object.Uid()}");
        }
    }

    private static void CarrySystemMetadata(JsonObject from, JsonObject to)
    {
        var source = from.Metadata();
        var target = to.Metadata();
        foreach (var field in new[] { "uid", "creationTimestamp", "deletionTimestamp", "generation" })
        {
            target.Remove(field);
            if (source[field] is { } value)
            {
                target[field] = value.DeepClone();
            }
        }
        target.Remove("managedFields");
        to["apiVersion"] = from["apiVersion"]!.DeepClone();
        to["kind"] = from["kind"]!.DeepClone();
    }

    /// <summary>An update (PUT) makes its manager the owner of every field it changed.</summary>
    private static void RecordUpdateOwnership(Stored stored, JsonObject before, JsonObject after, string manager)
    {
        var oldLeaves = FieldPaths.Leaves(before, ["apiVersion", "kind"]);
        var newLeaves = FieldPaths.Leaves(after, ["apiVersion", "kind"]);
        var changed = newLeaves.Where(p => !oldLeaves.Contains(p) || !FieldPaths.Same(before, after, p))
            .Where(p => !p.StartsWith("f:metadata\nf:resourceVersion", StringComparison.Ordinal) && !p.StartsWith("f:metadata\nf:generation", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        var removed = oldLeaves.Where(p => !newLeaves.Contains(p)).ToHashSet(StringComparer.Ordinal);
        foreach (var (_, entry) in stored.Managers)
        {
            entry.Fields.RemoveWhere(p => changed.Contains(p) || removed.Contains(p));
        }
        if (changed.Count > 0)
        {
            if (!stored.Managers.TryGetValue(manager, out var mine) || mine.Operation != "Update")
            {
                mine = new ManagerEntry("Update", new HashSet<string>(StringComparer.Ordinal));
                if (stored.Managers.ContainsKey(manager))
                {
                    mine = new ManagerEntry("Update", stored.Managers[manager].Fields);
                }
                stored.Managers[manager] = mine;
            }
            mine.Fields.UnionWith(changed);
        }
        foreach (var (name, _) in stored.Managers.Where(m => m.Value.Fields.Count == 0).ToList())
        {
            stored.Managers.Remove(name);
        }
    }

    /// <summary>A Secret's stringData is write-only: the API server merges it into data (base64) and never returns it.</summary>
    private static void FoldStringData(ResourceType type, JsonObject obj)
    {
        if (type != KnownResources.Secrets || obj["stringData"] is not JsonObject stringData)
        {
            return;
        }
        if (obj["data"] is not JsonObject data)
        {
            data = new JsonObject();
            obj["data"] = data;
        }
        foreach (var (key, value) in stringData)
        {
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
        }
        obj.Remove("stringData");
    }

    private JsonObject Admit(ResourceType type, JsonObject obj)
    {
        if (!admission.TryGetValue(type, out var admit))
        {
            return obj;
        }
        var (admitted, errors) = admit(obj);
        if (errors.Count > 0)
        {
            throw KubeApiException.Invalid($"{type.Kind}.{type.Group} \"{obj.Name()}\" is invalid: [{string.Join(", ", errors)}]");
        }
        return admitted;
    }

    private void Publish(HistoryEntry entry)
    {
        history.Add(entry);
        if (history.Count > HistoryLimit)
        {
            var drop = history.Count - HistoryLimit;
            compactedRevision = history[drop - 1].Revision;
            history.RemoveRange(0, drop);
        }
        foreach (var watcher in watchers)
        {
            watcher.Offer(entry);
        }
    }

    private static JsonObject Present(Stored stored)
    {
        var copy = stored.Object.DeepClone().AsObject();
        var managed = new JsonArray();
        foreach (var (manager, entry) in stored.Managers.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            managed.Add(new JsonObject
            {
                ["manager"] = manager,
                ["operation"] = entry.Operation,
                ["apiVersion"] = copy["apiVersion"]?.DeepClone(),
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldPaths.ToFieldsV1(entry.Fields),
            });
        }
        copy.Metadata()["managedFields"] = managed;
        return copy;
    }

    /// <summary>Field managers and their operation (Apply/Update), for assertions.</summary>
    public IReadOnlyDictionary<string, (string Operation, IReadOnlySet<string> Fields)> Managers(ResourceType type, string? ns, string name)
    {
        lock (gate)
        {
            return objects.TryGetValue(Key(type, ns, name), out var stored)
                ? stored.Managers.ToDictionary(m => m.Key, m => (m.Value.Operation, (IReadOnlySet<string>)m.Value.Fields.ToHashSet(StringComparer.Ordinal)))
                : new Dictionary<string, (string, IReadOnlySet<string>)>();
        }
    }

    /// <summary>Resource types the server does not serve (their CRD is not installed): every request gets 404.</summary>
    public ConcurrentDictionary<ResourceType, bool> Uninstalled { get; } = new();

    private void Authorize(ResourceType type, string verb, string? ns, string? name = null)
    {
        if (Uninstalled.ContainsKey(type))
        {
            throw KubeApiException.NotFound($"the server could not find the requested resource ({type})");
        }
        AuthorizeResource(type.Group, type.Plural, verb, ns, name);
    }

    private void AuthorizeResource(string group, string resource, string verb, string? ns, string? name = null)
    {
        if (caller.Value is not { } user)
        {
            return;
        }
        Audit.Enqueue((user, group, resource, verb));
        if (Authorizer is { } authorizer && !authorizer(user, group, resource, verb, ns, name))
        {
            Refusals.Enqueue((user, group, resource, verb, name));
            throw KubeApiException.Forbidden($"{resource}{(group.Length == 0 ? "" : "." + group)} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\"{(ns is null ? " at the cluster scope" : $" in the namespace \"{ns}\"")}");
        }
    }

    private static (ResourceType, string, string) Key(ResourceType type, string? ns, string name) => (type, type.Namespaced ? ns ?? "" : "", name);

    private static KubeApiException NotFound(ResourceType type, string name) =>
        KubeApiException.NotFound($"{type.Plural}{(type.Group.Length == 0 ? "" : "." + type.Group)} \"{name}\" not found");

    private string Timestamp() => Time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static bool Matches(JsonObject obj, string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return true;
        }
        foreach (var requirement in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = requirement.Split('=', 2);
            if (parts.Length != 2 || obj.Label(parts[0]) != parts[1])
            {
                return false;
            }
        }
        return true;
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex ServiceNamePattern();

    private sealed class Stored(JsonObject obj)
    {
        public JsonObject Object { get; set; } = obj;

        public Dictionary<string, ManagerEntry> Managers { get; } = new(StringComparer.Ordinal);
    }

    private sealed record ManagerEntry(string Operation, HashSet<string> Fields);

    private sealed record HistoryEntry(long Revision, ResourceType Type, WatchEventType EventType, JsonObject Object);

    private sealed class Watcher(ResourceType type, string? ns, string? selector, Channel<WatchEvent> channel)
    {
        public Channel<WatchEvent> Channel => channel;

        public void Offer(HistoryEntry entry)
        {
            if (entry.Type == type && (ns is null || entry.Object.Namespace() == ns) && Matches(entry.Object, selector))
            {
                channel.Writer.TryWrite(new WatchEvent(entry.EventType, entry.Object.DeepClone().AsObject()));
            }
        }
    }
}
