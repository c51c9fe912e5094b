#!/usr/bin/env python3
"""Refreshes tests/schemas: the API schemas every rendered object is validated against (see tests/schemas/README.md).

Reads from local git checkouts (a clone or a bare mirror; nothing is downloaded here):

  vendor-test-schemas.py --kubernetes DIR:REF:PATH --dapr DIR:REF --contrib DIR:REF --keda DIR:REF --prometheus DIR:REF

  --kubernetes  a checkout holding the apiserver's OpenAPI v3 documents and the folder they are in, e.g.
                kubernetes/kubernetes:v1.28.0:api/openapi-spec/v3 (files api__v1_openapi.json, apis__apps__v1_openapi.json)
                or kubernetes-sigs/kubectl-validate:<commit>:pkg/openapiclient/builtins/1.28 (api/v1.json, apis/apps/v1.json)
  --dapr        dapr/dapr at a release tag (charts/dapr/crds)
  --contrib     dapr/components-contrib at the matching release tag (each component's metadata.yaml)
  --keda        kedacore/keda at a release tag (config/crd/bases)
  --prometheus  prometheus-operator/prometheus-operator at a release tag (example/prometheus-operator-crd)

Kubernetes definitions are trimmed to the kinds below and what they reference, with descriptions removed; every
other file is copied byte for byte.
"""
import argparse
import json
import os
import subprocess
import sys

# group/version -> kinds the chart or the operator renders or writes (Event, Lease), or may render (HPA).
KUBERNETES_KINDS = {
    "v1": ["ConfigMap", "Event", "Secret", "Service", "ServiceAccount"],
    "apps/v1": ["Deployment"],
    "policy/v1": ["PodDisruptionBudget"],
    "rbac.authorization.k8s.io/v1": ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    "networking.k8s.io/v1": ["NetworkPolicy"],
    "autoscaling/v2": ["HorizontalPodAutoscaler"],
    "apiextensions.k8s.io/v1": ["CustomResourceDefinition"],
    "coordination.k8s.io/v1": ["Lease"],
}
# Custom resources' metadata is validated as ObjectMeta (a CRD schema only says "type: object").
EXTRA_DEFINITIONS = ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]

DAPR_CRDS = ["components.yaml", "resiliency.yaml", "subscription.yaml"]
# Component type -> folder in components-contrib (bindings.postgresql is registered from bindings/postgres).
CONTRIB_COMPONENTS = {
    "pubsub.redis": "pubsub/redis",
    "pubsub.kafka": "pubsub/kafka",
    "pubsub.jetstream": "pubsub/jetstream",
    "state.redis": "state/redis",
    "state.postgresql": "state/postgresql/v1",
    "bindings.postgresql": "bindings/postgres",
    # The object stores spec.storage.archive allows (ArchiveSpec.Types).
    "bindings.aws.s3": "bindings/aws/s3",
    "bindings.azure.blobstorage": "bindings/azure/blobstorage",
    "bindings.gcp.bucket": "bindings/gcp/bucket",
    "bindings.localstorage": "bindings/localstorage",
    # Sinks of spec.routes in the sample and tests (any bindings.* type is allowed there).
    "bindings.http": "bindings/http",
    "bindings.kafka": "bindings/kafka",
}
KEDA_CRDS = ["keda.sh_scaledobjects.yaml", "keda.sh_triggerauthentications.yaml"]
PROMETHEUS_CRDS = ["monitoring.coreos.com_podmonitors.yaml", "monitoring.coreos.com_prometheusrules.yaml"]

SCHEMA_MAPS = ("properties", "patternProperties")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
SCHEMA_SINGLE = ("items", "additionalProperties", "not")


def git_show(repo, ref, path):
    return subprocess.run(["git", "-C", repo, "show", f"{ref}:{path}"], check=True, capture_output=True).stdout


def git_commit(repo, ref):
    return subprocess.run(["git", "-C", repo, "rev-parse", f"{ref}^{{commit}}"], check=True, capture_output=True, text=True).stdout.strip()


def strip_descriptions(schema):
    """A schema without its prose; keys of 'properties' named 'description' are fields, so they stay."""
    if not isinstance(schema, dict):
        return schema
    result = {}
    for key, value in schema.items():
        if key == "description":
            continue
        if key in SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: strip_descriptions(s) for name, s in value.items()}
        elif key in SCHEMA_LISTS and isinstance(value, list):
            result[key] = [strip_descriptions(s) for s in value]
        elif key in SCHEMA_SINGLE and isinstance(value, dict):
            result[key] = strip_descriptions(value)
        else:
            result[key] = value
    return result


def references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def openapi_document(repo, ref, folder, group_version):
    # kubernetes/kubernetes names them api__v1_openapi.json / apis__apps__v1_openapi.json; kubectl-validate api/v1.json.
    prefix = "api" if group_version == "v1" else "apis"
    candidates = [
        f"{folder}/{prefix}__{group_version.replace('/', '__')}_openapi.json",
        f"{folder}/{prefix}/{group_version}.json",
    ]
    for path in candidates:
        try:
            return json.loads(git_show(repo, ref, path)), path
        except subprocess.CalledProcessError:
            continue
    sys.exit(f"no OpenAPI document for {group_version} in {repo} {ref} {folder}")


def vendor_kubernetes(spec, out):
    repo, ref, folder = spec.split(":", 2)
    all_schemas = {}
    kinds = {}
    sources = []
    for group_version, names in KUBERNETES_KINDS.items():
        document, path = openapi_document(repo, ref, folder, group_version)
        sources.append(path)
        schemas = document["components"]["schemas"]
        all_schemas.update(schemas)
        for kind in names:
            matches = [name for name, s in schemas.items()
                       if any(g.get("kind") == kind and "/".join(filter(None, [g.get("group"), g.get("version")])) == group_version
                              for g in s.get("x-kubernetes-group-version-kind", []))]
            if len(matches) != 1:
                sys.exit(f"{group_version} {kind}: expected one definition, found {matches}")
            kinds[f"{group_version}/{kind}"] = matches[0]
    wanted = list(kinds.values()) + EXTRA_DEFINITIONS
    definitions = {}
    while wanted:
        name = wanted.pop()
        if name in definitions:
            continue
        definitions[name] = strip_descriptions(all_schemas[name])
        wanted.extend(references(definitions[name]))
    result = {
        "source": {"repository": repo_name(repo), "commit": git_commit(repo, ref), "ref": ref, "files": sources},
        "kinds": dict(sorted(kinds.items())),
        "definitions": dict(sorted(definitions.items())),
    }
    write(out, "definitions.json", (json.dumps(result, indent=1, sort_keys=False) + "\n").encode())


def repo_name(repo):
    return os.path.basename(os.path.dirname(os.path.abspath(repo))).replace("+", "/") if repo.endswith("/repo") else os.path.abspath(repo)


def copy_files(spec, folder, names, out, rename=None):
    repo, ref = spec.split(":", 1)
    for name in names:
        target = rename(name) if rename else name
        write(out, target, git_show(repo, ref, f"{folder}/{name}"))
    return git_commit(repo, ref)


def write(folder, name, content):
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)
    print(f"wrote {path} ({len(content)} bytes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for option in ("kubernetes", "dapr", "contrib", "keda", "prometheus"):
        parser.add_argument(f"--{option}", required=True)
    parser.add_argument("--kubernetes-version", required=True, help="folder name under kubernetes/, e.g. v1.28")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "schemas"))
    args = parser.parse_args()

    # Each source in a folder named after its version (tests find the one folder per source).
    def folder(name, spec):
        return os.path.join(args.out, name, spec.split(":")[1])

    vendor_kubernetes(args.kubernetes, os.path.join(args.out, "kubernetes", args.kubernetes_version))
    copy_files(args.dapr, "charts/dapr/crds", DAPR_CRDS, folder("dapr", args.dapr))
    repo, ref = args.contrib.split(":", 1)
    for component_type, source in CONTRIB_COMPONENTS.items():
        write(folder("components-contrib", args.contrib), f"{component_type}.yaml", git_show(repo, ref, f"{source}/metadata.yaml"))
    write(folder("components-contrib", args.contrib), "builtin-authentication-profiles.yaml",
          git_show(repo, ref, ".build-tools/builtin-authentication-profiles.yaml"))
    copy_files(args.keda, "config/crd/bases", KEDA_CRDS, folder("keda", args.keda))
    copy_files(args.prometheus, "example/prometheus-operator-crd", PROMETHEUS_CRDS, folder("prometheus-operator", args.prometheus))
    for option in ("dapr", "contrib", "keda", "prometheus"):
        repo, ref = getattr(args, option).split(":", 1)
        print(f"{option}: {ref} = {git_commit(repo, ref)}")


if __name__ == "__main__":
    main()
