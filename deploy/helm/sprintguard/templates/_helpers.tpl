{{/* The chart's name, at most 63 characters (a DNS label). */}}
{{- define "sprintguard.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's objects' name: the release name, with the chart's name
appended unless the release name already contains it. */}}
{{- define "sprintguard.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The labels that select the bot's pods; they never change after install. */}}
{{- define "sprintguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sprintguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: bot
{{- end -}}

{{- define "sprintguard.labels" -}}
{{ include "sprintguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The driver, checked: a typo must fail the render, not start a pod on
the wrong store. */}}
{{- define "sprintguard.driver" -}}
{{- $d := .Values.storage.driver | default "bolt" -}}
{{- if not (has $d (list "bolt" "postgres")) -}}
{{- fail (printf "storage.driver %q: use bolt or postgres" $d) -}}
{{- end -}}
{{- if and (eq $d "bolt") (gt (int (.Values.replicaCount | default 1)) 1) -}}
{{- fail (printf "replicaCount %d with storage.driver bolt: bbolt has one writer, so bolt runs exactly one pod; use storage.driver postgres for replicas" (int .Values.replicaCount)) -}}
{{- end -}}
{{- $d -}}
{{- end -}}

{{/* The number of pods: replicaCount (2 when unset) with postgres, always
1 with bolt. */}}
{{- define "sprintguard.replicas" -}}
{{- if eq (include "sprintguard.driver" .) "postgres" -}}
{{- .Values.replicaCount | default 2 | int -}}
{{- else -}}
1
{{- end -}}
{{- end -}}

{{- define "sprintguard.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* sprintguard.yaml: the user's config with the keys the chart owns
(storage, the listener, the shutdown timeout) set from the values. */}}
{{- define "sprintguard.config" -}}
{{- $cfg := deepCopy (.Values.config | default dict) -}}
{{- $storage := dict "dedupe_ttl" .Values.storage.dedupeTTL -}}
{{- if eq (include "sprintguard.driver" .) "postgres" -}}
{{- $_ := set $storage "driver" "postgres" -}}
{{- $_ := set $storage "url" "${DATABASE_URL}" -}}
{{- else -}}
{{- $_ := set $storage "path" "/data/sprintguard.db" -}}
{{- end -}}
{{- $_ := set $cfg "storage" $storage -}}
{{- $server := deepCopy (get $cfg "server" | default dict) -}}
{{- $_ := set $server "listen" (printf ":%d" (int .Values.service.port)) -}}
{{- $_ := set $server "shutdown_timeout" (printf "%ds" (sub (int .Values.terminationGracePeriodSeconds) 10)) -}}
{{- $_ := set $cfg "server" $server -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/* The pod template shared by the StatefulSet (bolt) and the Deployment
(postgres). */}}
{{- define "sprintguard.podTemplate" -}}
{{- $driver := include "sprintguard.driver" . -}}
metadata:
  labels:
    {{- include "sprintguard.selectorLabels" . | nindent 4 }}
  annotations:
    # A changed config rolls the pods: most keys take a restart.
    checksum/config: {{ include "sprintguard.config" . | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  # sprintguard never talks to the Kubernetes API.
  automountServiceAccountToken: false
  enableServiceLinks: false
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    # The distroless image's nonroot user; fsGroup makes the volume
    # writable by it.
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    fsGroup: 65532
    fsGroupChangePolicy: OnRootMismatch
    seccompProfile:
      type: RuntimeDefault
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if eq $driver "postgres" }}
  # No single point of failure: replicas on different nodes and zones.
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: {{ .Values.topologySpread.whenUnsatisfiable }}
      labelSelector:
        matchLabels:
          {{- include "sprintguard.selectorLabels" . | nindent 10 }}
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "sprintguard.selectorLabels" . | nindent 10 }}
  {{- end }}
  containers:
    - name: sprintguard
      image: {{ include "sprintguard.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: ["/usr/local/bin/sprintguard"]
      args: ["serve", "--config", "/etc/sprintguard/sprintguard.yaml"]
      ports:
        - name: http
          containerPort: {{ .Values.service.port }}
          protocol: TCP
      env:
        {{- range .Values.secrets.keys }}
        - name: {{ .name }}
          valueFrom:
            secretKeyRef:
              name: {{ $.Values.secrets.name }}
              key: {{ .name }}
              {{- if not .required }}
              optional: true
              {{- end }}
        {{- end }}
        {{- if eq $driver "postgres" }}
        # The config's storage.url is ${DATABASE_URL}; the password never
        # enters the ConfigMap or the values.
        - name: DATABASE_URL
          valueFrom:
            secretKeyRef:
              name: {{ .Values.storage.database.secretName }}
              key: {{ .Values.storage.database.secretKey }}
        {{- end }}
        - name: GOMEMLIMIT
          valueFrom:
            resourceFieldRef: {resource: limits.memory}
      livenessProbe:
        httpGet: {path: /healthz, port: http}
        {{- toYaml .Values.probes.liveness | nindent 8 }}
      # /readyz includes the store: with postgres, a database that does not
      # answer takes the pod out of the Service.
      readinessProbe:
        httpGet: {path: /readyz, port: http}
        {{- toYaml .Values.probes.readiness | nindent 8 }}
      startupProbe:
        httpGet: {path: /healthz, port: http}
        {{- toYaml .Values.probes.startup | nindent 8 }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        runAsNonRoot: true
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: [ALL]
      volumeMounts:
        {{- if eq $driver "bolt" }}
        - name: data
          mountPath: /data
        {{- end }}
        - name: config
          mountPath: /etc/sprintguard
          readOnly: true
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: config
      configMap:
        name: {{ include "sprintguard.fullname" . }}-config
        items:
          - key: sprintguard.yaml
            path: sprintguard.yaml
    - name: tmp
      emptyDir:
        sizeLimit: 1Gi
{{- end -}}
