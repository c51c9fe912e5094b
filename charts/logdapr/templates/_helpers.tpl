{{/* Full name: release-chart, unless the release name already contains the chart name. */}}
{{- define "logdapr.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "logdapr.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: logdapr
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The CRD's labels: not the operator's (no component, no selector), it outlives releases. */}}
{{- define "logdapr.crdLabels" -}}
app.kubernetes.io/part-of: logdapr
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "logdapr.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "logdapr.serviceAccountName" -}}
{{- default (include "logdapr.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "logdapr.leaseName" -}}
{{- default (include "logdapr.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{/*
What the operator does in a namespace it reconciles. Must equal OperatorPermissions.PipelineRules in
operator/Kubernetes/OperatorPermissions.cs; a test renders this chart and compares both ways.
*/}}
{{- define "logdapr.pipelineRules" -}}
- apiGroups: ["logdapr.io"]
  resources: ["logpipelines"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["logdapr.io"]
  resources: ["logpipelines/status"]
  verbs: ["update"]
- apiGroups: ["dapr.io"]
  resources: ["components", "resiliencies", "subscriptions"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["configmaps", "services"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["keda.sh"]
  resources: ["scaledobjects", "triggerauthentications"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}


{{/*
Cluster-scoped reads of the Dapr compatibility check, by name only. Must equal OperatorPermissions.ClusterRules;
granted by a ClusterRole in both RBAC modes (a Role cannot grant cluster-scoped resources).
*/}}
{{- define "logdapr.clusterRules" -}}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  resourceNames: ["components.dapr.io", "resiliencies.dapr.io", "subscriptions.dapr.io", "scaledobjects.keda.sh", "triggerauthentications.keda.sh"]
  verbs: ["get"]
- apiGroups: ["admissionregistration.k8s.io"]
  resources: ["mutatingwebhookconfigurations"]
  resourceNames: ["dapr-sidecar-injector"]
  verbs: ["get"]
{{- end -}}
