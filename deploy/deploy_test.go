// Package deploy_test checks the deployment files against the code: kubectl
// is not assumed to be installed, so the Kubernetes manifests, the systemd
// unit and the Dockerfile are parsed here and their ports, probe paths,
// volume paths, timeouts and security settings compared with what the
// config package and the binary expect.
package deploy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/admin"
	"github.com/sprintguard/sprintguard/internal/app"
)

const (
	k8sDir     = "kubernetes"
	unitFile   = "systemd/sprintguard.service"
	envExample = "systemd/sprintguard.env.example"
	dockerfile = "../Dockerfile"
	configKey  = "sprintguard.yaml"
	// binary is where the Dockerfile puts the executable and what the
	// manifests run.
	binary = "/usr/local/bin/sprintguard"
	// distrolessNonroot is the uid of the `nonroot` user of the distroless
	// images.
	distrolessNonroot = 65532
	// replayPeak is the memory the 100,000-message replay benchmark peaked
	// at: a memory limit below it could OOM-kill the bot on a busy day.
	replayPeak = 290 << 20
)

// object is the part of a Kubernetes object every kind shares; Spec is
// decoded per kind.
type object struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   meta              `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       yaml.Node         `yaml:"spec"`
	file       string
}

type meta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type statefulSetSpec struct {
	Replicas             *int              `yaml:"replicas"`
	ServiceName          string            `yaml:"serviceName"`
	Selector             labelSelector     `yaml:"selector"`
	Template             podTemplate       `yaml:"template"`
	VolumeClaimTemplates []volumeClaimSpec `yaml:"volumeClaimTemplates"`
}

type volumeClaimSpec struct {
	Metadata meta `yaml:"metadata"`
	Spec     struct {
		AccessModes []string `yaml:"accessModes"`
	} `yaml:"spec"`
}

type labelSelector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type podTemplate struct {
	Metadata meta    `yaml:"metadata"`
	Spec     podSpec `yaml:"spec"`
}

type podSpec struct {
	TerminationGracePeriodSeconds *int            `yaml:"terminationGracePeriodSeconds"`
	RestartPolicy                 string          `yaml:"restartPolicy"`
	SecurityContext               securityContext `yaml:"securityContext"`
	Affinity                      struct {
		PodAffinity struct {
			Required []struct {
				LabelSelector labelSelector `yaml:"labelSelector"`
				TopologyKey   string        `yaml:"topologyKey"`
			} `yaml:"requiredDuringSchedulingIgnoredDuringExecution"`
		} `yaml:"podAffinity"`
	} `yaml:"affinity"`
	InitContainers []container `yaml:"initContainers"`
	Containers     []container `yaml:"containers"`
	Volumes        []volume    `yaml:"volumes"`
}

type securityContext struct {
	RunAsNonRoot             *bool  `yaml:"runAsNonRoot"`
	RunAsUser                *int64 `yaml:"runAsUser"`
	FSGroup                  *int64 `yaml:"fsGroup"`
	ReadOnlyRootFilesystem   *bool  `yaml:"readOnlyRootFilesystem"`
	AllowPrivilegeEscalation *bool  `yaml:"allowPrivilegeEscalation"`
	Capabilities             struct {
		Drop []string `yaml:"drop"`
	} `yaml:"capabilities"`
	SeccompProfile struct {
		Type string `yaml:"type"`
	} `yaml:"seccompProfile"`
}

type container struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Ports   []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env            []envVar `yaml:"env"`
	LivenessProbe  *probe   `yaml:"livenessProbe"`
	ReadinessProbe *probe   `yaml:"readinessProbe"`
	StartupProbe   *probe   `yaml:"startupProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext securityContext `yaml:"securityContext"`
	VolumeMounts    []volumeMount   `yaml:"volumeMounts"`
}

type envVar struct {
	Name      string `yaml:"name"`
	Value     string `yaml:"value"`
	ValueFrom struct {
		SecretKeyRef *struct {
			Name     string `yaml:"name"`
			Key      string `yaml:"key"`
			Optional bool   `yaml:"optional"`
		} `yaml:"secretKeyRef"`
	} `yaml:"valueFrom"`
}

type probe struct {
	HTTPGet *struct {
		Path string  `yaml:"path"`
		Port portRef `yaml:"port"`
	} `yaml:"httpGet"`
	PeriodSeconds    int `yaml:"periodSeconds"`
	TimeoutSeconds   int `yaml:"timeoutSeconds"`
	FailureThreshold int `yaml:"failureThreshold"`
}

// portRef is a port given by number or by name.
type portRef string

func (p *portRef) UnmarshalYAML(n *yaml.Node) error {
	*p = portRef(n.Value)
	return nil
}

type volumeMount struct {
	Name      string `yaml:"name"`
	MountPath string `yaml:"mountPath"`
	SubPath   string `yaml:"subPath"`
	ReadOnly  bool   `yaml:"readOnly"`
}

type volume struct {
	Name      string `yaml:"name"`
	ConfigMap *struct {
		Name  string `yaml:"name"`
		Items []struct {
			Key  string `yaml:"key"`
			Path string `yaml:"path"`
		} `yaml:"items"`
	} `yaml:"configMap"`
	PVC *struct {
		ClaimName string `yaml:"claimName"`
	} `yaml:"persistentVolumeClaim"`
	EmptyDir *struct {
		SizeLimit string `yaml:"sizeLimit"`
	} `yaml:"emptyDir"`
}

type serviceSpec struct {
	ClusterIP string            `yaml:"clusterIP"`
	Selector  map[string]string `yaml:"selector"`
	Ports     []struct {
		Name       string  `yaml:"name"`
		Port       int     `yaml:"port"`
		TargetPort portRef `yaml:"targetPort"`
	} `yaml:"ports"`
}

type cronJobSpec struct {
	ConcurrencyPolicy string `yaml:"concurrencyPolicy"`
	JobTemplate       struct {
		Spec struct {
			Template podTemplate `yaml:"template"`
		} `yaml:"spec"`
	} `yaml:"jobTemplate"`
}

type kustomization struct {
	Resources []string    `yaml:"resources"`
	Images    []kustImage `yaml:"images"`
}

type kustImage struct {
	Name    string `yaml:"name"`
	NewName string `yaml:"newName"`
	NewTag  string `yaml:"newTag"`
	Digest  string `yaml:"digest"`
}

// deployment is everything in deploy/kubernetes, decoded.
type deployment struct {
	objects  []object
	kust     kustomization
	cfgText  string
	cfg      *config.Config
	secret   object
	stsName  string
	sts      statefulSetSpec
	bot      container
	services map[string]serviceSpec
	cron     cronJobSpec
	pvcs     map[string]bool
}

// load reads and decodes every manifest, failing the test on anything
// missing that the other checks rely on.
func load(t *testing.T) *deployment {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s: %v", k8sDir, err)
	}
	d := &deployment{services: map[string]serviceSpec{}, pvcs: map[string]bool{}}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(f) == "kustomization.yaml" {
			if err := yaml.Unmarshal(data, &d.kust); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var o object
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			o.file = filepath.Base(f)
			d.objects = append(d.objects, o)
		}
	}
	var crons, stss int
	for _, o := range d.objects {
		switch o.Kind {
		case "ConfigMap":
			d.cfgText = o.Data[configKey]
		case "Secret":
			d.secret = o
		case "StatefulSet":
			stss++
			d.stsName = o.Metadata.Name
			decodeSpec(t, o, &d.sts)
		case "Service":
			var s serviceSpec
			decodeSpec(t, o, &s)
			d.services[o.Metadata.Name] = s
		case "CronJob":
			crons++
			decodeSpec(t, o, &d.cron)
		case "PersistentVolumeClaim":
			d.pvcs[o.Metadata.Name] = true
		}
	}
	if stss != 1 || crons != 1 || d.cfgText == "" || d.secret.Kind == "" {
		t.Fatalf("want one StatefulSet, one CronJob, a ConfigMap with %s and a Secret; got %d, %d, config %t, secret %t",
			configKey, stss, crons, d.cfgText != "", d.secret.Kind != "")
	}
	for _, c := range d.sts.Template.Spec.Containers {
		if runsBinary(c) {
			d.bot = c
		}
	}
	if d.bot.Name == "" {
		t.Fatalf("no StatefulSet container runs %s", binary)
	}
	d.cfg, err = config.Parse("/etc/sprintguard/"+configKey, []byte(d.cfgText), d.getenv)
	if err != nil {
		t.Fatalf("the ConfigMap's %s does not load with the Secret's values:\n%v", configKey, err)
	}
	return d
}

func decodeSpec(t *testing.T, o object, v any) {
	t.Helper()
	if err := o.Spec.Decode(v); err != nil {
		t.Fatalf("%s: %s %s: %v", o.file, o.Kind, o.Metadata.Name, err)
	}
}

// getenv gives the config the example Secret's placeholder values.
func (d *deployment) getenv(name string) string { return d.secret.StringData[name] }

// port is the port of the config's server.listen.
func (d *deployment) port(t *testing.T) int {
	t.Helper()
	_, p, err := net.SplitHostPort(d.cfg.Server.Listen)
	if err != nil {
		t.Fatalf("server.listen %q: %v", d.cfg.Server.Listen, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("server.listen %q: %v", d.cfg.Server.Listen, err)
	}
	return n
}

// shutdown is the longest shutdown_timeout the bot may run with: the
// config's own, or the default if someone drops the `server:` section.
func (d *deployment) shutdown(t *testing.T) time.Duration {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(d.cfgText), &root); err != nil {
		t.Fatal(err)
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "server" {
			m.Content = slices.Delete(m.Content, i, i+2)
			break
		}
	}
	text, err := yaml.Marshal(&root)
	if err != nil {
		t.Fatal(err)
	}
	def, err := config.Parse("default.yaml", text, d.getenv)
	if err != nil {
		t.Fatalf("the config without `server:`: %v", err)
	}
	return max(d.cfg.Server.ShutdownTimeout, def.Server.ShutdownTimeout)
}

// backupPod is the CronJob's pod spec.
func (d *deployment) backupPod() podTemplate { return d.cron.JobTemplate.Spec.Template }

// runsBinary reports whether c runs sprintguard. The manifests name the
// binary in command rather than relying on the image's ENTRYPOINT.
func runsBinary(c container) bool { return len(c.Command) > 0 && c.Command[0] == binary }

// resolvePort turns a port name of c into its number.
func resolvePort(c container, p portRef) int {
	if n, err := strconv.Atoi(string(p)); err == nil {
		return n
	}
	for _, cp := range c.Ports {
		if cp.Name == string(p) {
			return cp.ContainerPort
		}
	}
	return 0
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	p, dir = path.Clean(p), path.Clean(dir)
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// mountOf returns the mount of c that holds p: the deepest one.
func mountOf(c container, p string) (volumeMount, bool) {
	var best volumeMount
	for _, m := range c.VolumeMounts {
		if under(p, m.MountPath) && len(m.MountPath) > len(best.MountPath) {
			best = m
		}
	}
	return best, best.Name != ""
}

func volumeNamed(ps podSpec, name string) (volume, bool) {
	for _, v := range ps.Volumes {
		if v.Name == name {
			return v, true
		}
	}
	return volume{}, false
}

// configFileProblem says why file is not the ConfigMap's config as c sees
// it, or "" when it is.
func configFileProblem(ps podSpec, c container, cmName, file string) string {
	m, ok := mountOf(c, file)
	if !ok {
		return fmt.Sprintf("%s: no volume is mounted at %s", c.Name, file)
	}
	v, ok := volumeNamed(ps, m.Name)
	if !ok || v.ConfigMap == nil || v.ConfigMap.Name != cmName {
		return fmt.Sprintf("%s: %s is mounted from volume %q, not ConfigMap %s", c.Name, file, m.Name, cmName)
	}
	if !m.ReadOnly {
		return fmt.Sprintf("%s: the config mount %s is not readOnly", c.Name, m.MountPath)
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(path.Clean(file), path.Clean(m.MountPath)), "/")
	if m.SubPath != "" {
		return fmt.Sprintf("%s: the config is mounted with subPath, which never sees ConfigMap updates", c.Name)
	}
	key := rel
	if len(v.ConfigMap.Items) > 0 {
		key = ""
		for _, it := range v.ConfigMap.Items {
			if it.Path == rel {
				key = it.Key
			}
		}
	}
	if key != configKey {
		return fmt.Sprintf("%s: %s is not key %s of ConfigMap %s", c.Name, file, configKey, cmName)
	}
	return ""
}

// flagValue returns the value of --name in args.
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == "--"+name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v
		}
	}
	return ""
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// envRefs returns the variables the config's values (not its comments)
// refer to, and whether each one is required (has no :- default).
func envRefs(t *testing.T, text string) map[string]bool {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(text), &root); err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			for _, m := range envRef.FindAllStringSubmatch(strings.ReplaceAll(n.Value, "$$", ""), -1) {
				refs[m[1]] = refs[m[1]] || m[2] == ""
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	return refs
}

// envProblems checks that c gets every variable the config needs from the
// Secret, and that the required ones cannot be silently absent.
func (d *deployment) envProblems(t *testing.T, c container) []string {
	var out []string
	for name, required := range envRefs(t, d.cfgText) {
		i := slices.IndexFunc(c.Env, func(e envVar) bool { return e.Name == name })
		if i < 0 {
			out = append(out, fmt.Sprintf("%s: the config refers to ${%s}, which the container's env does not set", c.Name, name))
			continue
		}
		ref := c.Env[i].ValueFrom.SecretKeyRef
		switch {
		case ref == nil:
			out = append(out, fmt.Sprintf("%s: %s is not read from the Secret", c.Name, name))
		case ref.Name != d.secret.Metadata.Name:
			out = append(out, fmt.Sprintf("%s: %s comes from Secret %q, not %q", c.Name, name, ref.Name, d.secret.Metadata.Name))
		case d.secret.StringData[ref.Key] == "":
			out = append(out, fmt.Sprintf("%s: %s reads key %q, which the example Secret lacks", c.Name, name, ref.Key))
		case required && ref.Optional:
			out = append(out, fmt.Sprintf("%s: %s is required by the config but optional in the env", c.Name, name))
		}
	}
	return out
}

// securityProblems checks one container's effective security context:
// its own settings over its pod's.
func securityProblems(pod podSpec, c container) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, c.Name+": "+fmt.Sprintf(format, a...)) }
	ps, cs := pod.SecurityContext, c.SecurityContext
	nonRoot, uid, seccomp := ps.RunAsNonRoot, ps.RunAsUser, ps.SeccompProfile.Type
	if cs.RunAsNonRoot != nil {
		nonRoot = cs.RunAsNonRoot
	}
	if cs.RunAsUser != nil {
		uid = cs.RunAsUser
	}
	if cs.SeccompProfile.Type != "" {
		seccomp = cs.SeccompProfile.Type
	}
	if nonRoot == nil || !*nonRoot {
		bad("runAsNonRoot is not true")
	}
	if uid == nil || *uid != distrolessNonroot {
		bad("runAsUser is not %d (the image's nonroot user)", distrolessNonroot)
	}
	if ps.FSGroup == nil || *ps.FSGroup != distrolessNonroot {
		bad("the pod's fsGroup is not %d, so the volumes may not be writable", distrolessNonroot)
	}
	if seccomp != "RuntimeDefault" {
		bad("seccompProfile is %q, not RuntimeDefault", seccomp)
	}
	if cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem {
		bad("readOnlyRootFilesystem is not true")
	}
	if cs.AllowPrivilegeEscalation == nil || *cs.AllowPrivilegeEscalation {
		bad("allowPrivilegeEscalation is not false")
	}
	if !slices.Contains(cs.Capabilities.Drop, "ALL") {
		bad("capabilities do not drop ALL")
	}
	return out
}

// bytesOf parses a Kubernetes memory quantity such as 512Mi or 1G.
func bytesOf(q string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(q, u.suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			return v * u.mult, err
		}
	}
	return strconv.ParseInt(q, 10, 64)
}

// milliCPU parses a Kubernetes CPU quantity such as 100m or 1.5.
func milliCPU(q string) (int64, error) {
	if n, ok := strings.CutSuffix(q, "m"); ok {
		return strconv.ParseInt(n, 10, 64)
	}
	f, err := strconv.ParseFloat(q, 64)
	return int64(f * 1000), err
}

func TestManifestsParse(t *testing.T) {
	d := load(t)
	for _, o := range d.objects {
		t.Run(o.file+"/"+o.Kind+"/"+o.Metadata.Name, func(t *testing.T) {
			if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
				t.Errorf("apiVersion %q, kind %q, name %q: none may be empty", o.APIVersion, o.Kind, o.Metadata.Name)
			}
			if o.Metadata.Namespace != "" {
				t.Errorf("names namespace %q; the manifests must be namespace-agnostic", o.Metadata.Namespace)
			}
		})
	}
	t.Run("kustomization lists every manifest but the example Secret", func(t *testing.T) {
		var want []string
		for _, o := range d.objects {
			if o.Kind != "Secret" && !slices.Contains(want, o.file) {
				want = append(want, o.file)
			}
			if o.Kind == "Secret" && slices.Contains(d.kust.Resources, o.file) {
				t.Errorf("kustomization lists %s: applying it would overwrite the real tokens with placeholders", o.file)
			}
		}
		got := slices.Sorted(slices.Values(d.kust.Resources))
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("kustomization resources = %v, want %v", got, want)
		}
	})
}

func TestConfigMapConfig(t *testing.T) {
	d := load(t)
	if err := d.cfg.CheckSlack(); err != nil {
		t.Errorf("the Secret's keys do not give the Slack mode what it needs:\n%v", err)
	}
	if err := d.cfg.CheckTracker(); err != nil {
		t.Errorf("the Secret's keys do not give the tracker what it needs:\n%v", err)
	}
	if _, err := app.Settings(d.cfg); err != nil {
		t.Errorf("serve would refuse the config:\n%v", err)
	}
	if !strings.Contains(d.cfgText, "path: "+d.cfg.Storage.Path) {
		t.Errorf("storage.path should be written as an absolute path, so it does not depend on where the config is mounted; got %s", d.cfg.Storage.Path)
	}
	for _, v := range d.secret.StringData {
		if !strings.Contains(v, "REPLACE-ME") {
			t.Errorf("the example Secret has a value not marked REPLACE-ME: a real token must never be committed")
		}
	}
}

func TestStatefulSet(t *testing.T) {
	d := load(t)
	pod := d.sts.Template.Spec
	port := d.port(t)
	t.Run("one replica", func(t *testing.T) {
		if d.sts.Replicas == nil || *d.sts.Replicas != 1 {
			t.Errorf("replicas must be exactly 1 (bbolt has a single writer), got %s", intPtr(d.sts.Replicas))
		}
	})
	t.Run("selector matches the pod", func(t *testing.T) {
		if len(d.sts.Selector.MatchLabels) == 0 || !subset(d.sts.Selector.MatchLabels, d.sts.Template.Metadata.Labels) {
			t.Errorf("selector %v does not match the pod's labels %v", d.sts.Selector.MatchLabels, d.sts.Template.Metadata.Labels)
		}
	})
	t.Run("runs serve with the mounted config", func(t *testing.T) {
		if len(d.bot.Args) == 0 || d.bot.Args[0] != "serve" {
			t.Errorf("args = %v, want serve first", d.bot.Args)
		}
		file := flagValue(d.bot.Args, "config")
		if file == "" {
			t.Fatalf("args %v have no --config", d.bot.Args)
		}
		if p := configFileProblem(pod, d.bot, "sprintguard-config", file); p != "" {
			t.Error(p)
		}
	})
	t.Run("container port is server.listen's", func(t *testing.T) {
		if got := resolvePort(d.bot, "http"); got != port {
			t.Errorf("container port http = %d, want %d (server.listen %s)", got, port, d.cfg.Server.Listen)
		}
	})
	for _, tc := range []struct {
		name  string
		probe *probe
		path  string
	}{
		{"liveness", d.bot.LivenessProbe, "/healthz"},
		{"readiness", d.bot.ReadinessProbe, "/readyz"},
		{"startup", d.bot.StartupProbe, "/healthz"},
	} {
		t.Run(tc.name+" probe", func(t *testing.T) {
			p := tc.probe
			if p == nil || p.HTTPGet == nil {
				t.Fatalf("no httpGet %s probe", tc.name)
			}
			if p.HTTPGet.Path != tc.path {
				t.Errorf("path %s, want %s", p.HTTPGet.Path, tc.path)
			}
			if got := resolvePort(d.bot, p.HTTPGet.Port); got != port {
				t.Errorf("port %q is %d, want %d (server.listen)", p.HTTPGet.Port, got, port)
			}
			if p.PeriodSeconds <= 0 || p.TimeoutSeconds <= 0 || p.FailureThreshold < 2 ||
				p.TimeoutSeconds >= p.PeriodSeconds {
				t.Errorf("period %ds, timeout %ds, threshold %d: want a timeout shorter than the period and at least 2 failures",
					p.PeriodSeconds, p.TimeoutSeconds, p.FailureThreshold)
			}
		})
	}
	t.Run("grace period outlasts shutdown_timeout", func(t *testing.T) {
		limit := d.shutdown(t)
		g := pod.TerminationGracePeriodSeconds
		if g == nil || time.Duration(*g)*time.Second <= limit {
			t.Errorf("terminationGracePeriodSeconds %s must exceed shutdown_timeout %s", intPtr(g), limit)
		}
	})
	t.Run("database and socket on the claim", func(t *testing.T) {
		if len(d.sts.VolumeClaimTemplates) != 1 {
			t.Fatalf("want one volumeClaimTemplate, got %d", len(d.sts.VolumeClaimTemplates))
		}
		vct := d.sts.VolumeClaimTemplates[0]
		for _, p := range []string{d.cfg.Storage.Path, admin.SocketPath(d.cfg.Storage.Path)} {
			m, ok := mountOf(d.bot, p)
			if !ok || m.Name != vct.Metadata.Name || m.ReadOnly {
				t.Errorf("%s is not on a writable mount of claim template %q (mount %+v)", p, vct.Metadata.Name, m)
			}
		}
		if !slices.Equal(vct.Spec.AccessModes, []string{"ReadWriteOnce"}) {
			t.Errorf("accessModes %v: want [ReadWriteOnce], which the backup job can share on the same node", vct.Spec.AccessModes)
		}
	})
	t.Run("a writable /tmp", func(t *testing.T) {
		m, ok := mountOf(d.bot, os.TempDir())
		if v, _ := volumeNamed(pod, m.Name); !ok || v.EmptyDir == nil {
			t.Errorf("no emptyDir at %s: with a read-only root, report and export run by kubectl exec cannot snapshot", os.TempDir())
		}
	})
	t.Run("resources", func(t *testing.T) {
		r := d.bot.Resources
		reqMem, err1 := bytesOf(r.Requests["memory"])
		limMem, err2 := bytesOf(r.Limits["memory"])
		reqCPU, err3 := milliCPU(r.Requests["cpu"])
		limCPU, err4 := milliCPU(r.Limits["cpu"])
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			t.Fatalf("requests %v, limits %v: %v", r.Requests, r.Limits, err)
		}
		if reqMem <= 0 || reqMem > limMem || reqCPU <= 0 || reqCPU > limCPU {
			t.Errorf("requests %v must be set and within limits %v", r.Requests, r.Limits)
		}
		if limMem <= replayPeak {
			t.Errorf("memory limit %s is below the replay benchmark's peak of %d MiB", r.Limits["memory"], replayPeak>>20)
		}
	})
	t.Run("secrets", func(t *testing.T) {
		for _, p := range d.envProblems(t, d.bot) {
			t.Error(p)
		}
	})
}

// intPtr shows an optional number for a message.
func intPtr(p *int) string {
	if p == nil {
		return "unset"
	}
	return strconv.Itoa(*p)
}

func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestSecurityContexts(t *testing.T) {
	d := load(t)
	pods := map[string]podSpec{"statefulset": d.sts.Template.Spec, "cronjob": d.backupPod().Spec}
	for kind, pod := range pods {
		for _, c := range slices.Concat(pod.InitContainers, pod.Containers) {
			t.Run(kind+"/"+c.Name, func(t *testing.T) {
				for _, p := range securityProblems(pod, c) {
					t.Error(p)
				}
			})
		}
	}
	// Each setting must be able to fail the check above.
	pod, good := d.sts.Template.Spec, d.bot
	no, yes, root := false, true, int64(0)
	for _, tc := range []struct {
		name   string
		change func(*podSpec, *container)
		want   string
	}{
		{"writable root", func(_ *podSpec, c *container) { c.SecurityContext.ReadOnlyRootFilesystem = &no }, "readOnlyRootFilesystem"},
		{"root user", func(_ *podSpec, c *container) { c.SecurityContext.RunAsUser = &root }, "runAsUser"},
		{"root allowed", func(p *podSpec, c *container) {
			p.SecurityContext.RunAsNonRoot, c.SecurityContext.RunAsNonRoot = nil, &no
		}, "runAsNonRoot"},
		{"escalation", func(_ *podSpec, c *container) { c.SecurityContext.AllowPrivilegeEscalation = &yes }, "allowPrivilegeEscalation"},
		{"capabilities kept", func(_ *podSpec, c *container) { c.SecurityContext.Capabilities.Drop = nil }, "drop ALL"},
		{"no seccomp", func(p *podSpec, c *container) {
			p.SecurityContext.SeccompProfile.Type, c.SecurityContext.SeccompProfile.Type = "", ""
		}, "seccomp"},
		{"no fsGroup", func(p *podSpec, _ *container) { p.SecurityContext.FSGroup = nil }, "fsGroup"},
	} {
		t.Run("catches "+tc.name, func(t *testing.T) {
			p, c := pod, good
			tc.change(&p, &c)
			if got := strings.Join(securityProblems(p, c), "\n"); !strings.Contains(got, tc.want) {
				t.Errorf("problems %q do not mention %q", got, tc.want)
			}
		})
	}
}

func TestServices(t *testing.T) {
	d := load(t)
	port := d.port(t)
	if h, ok := d.services[d.sts.ServiceName]; !ok || h.ClusterIP != "None" {
		t.Errorf("the StatefulSet's serviceName %q is not a headless Service in the manifests", d.sts.ServiceName)
	}
	var clusterIP int
	for name, s := range d.services {
		t.Run(name, func(t *testing.T) {
			if len(s.Selector) == 0 || !subset(s.Selector, d.sts.Template.Metadata.Labels) {
				t.Errorf("selector %v does not select the bot's pod %v", s.Selector, d.sts.Template.Metadata.Labels)
			}
			if subset(s.Selector, d.backupPod().Metadata.Labels) {
				t.Errorf("selector %v also selects the backup job's pods", s.Selector)
			}
			if len(s.Ports) == 0 {
				t.Error("no ports")
			}
			for _, p := range s.Ports {
				if got := resolvePort(d.bot, p.TargetPort); got != port {
					t.Errorf("port %s targets %q = %d, want %d (server.listen)", p.Name, p.TargetPort, got, port)
				}
			}
		})
		if s.ClusterIP != "None" {
			clusterIP++
			a := objectNamed(d, "Service", name).Metadata.Annotations
			if a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != strconv.Itoa(port) || a["prometheus.io/path"] != "/metrics" {
				t.Errorf("Service %s: prometheus.io annotations %v do not say scrape port %d at /metrics", name, a, port)
			}
		}
	}
	if clusterIP != 1 {
		t.Errorf("want one ClusterIP Service for HTTP mode and metrics, got %d", clusterIP)
	}
}

func objectNamed(d *deployment, kind, name string) object {
	for _, o := range d.objects {
		if o.Kind == kind && o.Metadata.Name == name {
			return o
		}
	}
	return object{}
}

func TestBackupCronJob(t *testing.T) {
	d := load(t)
	tmpl := d.backupPod()
	pod := tmpl.Spec
	if d.cron.ConcurrencyPolicy != "Forbid" {
		t.Errorf("concurrencyPolicy %q: two backups at once race for the same file; want Forbid", d.cron.ConcurrencyPolicy)
	}
	if pod.RestartPolicy != "Never" && pod.RestartPolicy != "OnFailure" {
		t.Errorf("restartPolicy %q is not valid for a Job", pod.RestartPolicy)
	}
	t.Run("scheduled beside the bot", func(t *testing.T) {
		terms := pod.Affinity.PodAffinity.Required
		if len(terms) != 1 {
			t.Fatalf("want one required podAffinity term, got %d", len(terms))
		}
		sel := terms[0].LabelSelector.MatchLabels
		if terms[0].TopologyKey != "kubernetes.io/hostname" || len(sel) == 0 || !subset(sel, d.sts.Template.Metadata.Labels) {
			t.Errorf("podAffinity %+v does not put the pod on the bot's node", terms[0])
		}
		if subset(sel, tmpl.Metadata.Labels) {
			t.Errorf("podAffinity selector %v matches the backup pods themselves", sel)
		}
	})
	all := slices.Concat(pod.InitContainers, pod.Containers)
	i := slices.IndexFunc(all, func(c container) bool { return runsBinary(c) && len(c.Args) > 0 && c.Args[0] == "backup" })
	if i < 0 {
		t.Fatalf("no container runs %s backup", binary)
	}
	backup := all[i]
	var pos []string
	for j := 1; j < len(backup.Args); j++ {
		if strings.HasPrefix(backup.Args[j], "--") {
			j++
			continue
		}
		pos = append(pos, backup.Args[j])
	}
	if len(pos) != 1 {
		t.Fatalf("backup args %v: want one FILE", backup.Args)
	}
	dst := pos[0]
	t.Run("same data claim at the same path", func(t *testing.T) {
		claim := d.sts.VolumeClaimTemplates[0].Metadata.Name + "-" + d.stsName + "-0"
		botMount, _ := mountOf(d.bot, d.cfg.Storage.Path)
		for _, p := range []string{d.cfg.Storage.Path, admin.SocketPath(d.cfg.Storage.Path)} {
			m, ok := mountOf(backup, p)
			v, _ := volumeNamed(pod, m.Name)
			if !ok || v.PVC == nil || v.PVC.ClaimName != claim {
				t.Errorf("%s is not on claim %s in the backup container", p, claim)
			}
			if m.MountPath != botMount.MountPath {
				t.Errorf("the backup mounts the data at %s, the bot at %s: storage.path would differ", m.MountPath, botMount.MountPath)
			}
		}
	})
	t.Run("config mounted", func(t *testing.T) {
		file := flagValue(backup.Args, "config")
		if file == "" {
			t.Fatalf("backup args %v have no --config", backup.Args)
		}
		if p := configFileProblem(pod, backup, "sprintguard-config", file); p != "" {
			t.Error(p)
		}
	})
	t.Run("copy on the backup claim", func(t *testing.T) {
		m, ok := mountOf(backup, dst)
		v, _ := volumeNamed(pod, m.Name)
		if !ok || m.ReadOnly || v.PVC == nil || !d.pvcs[v.PVC.ClaimName] {
			t.Errorf("%s is not on a writable PersistentVolumeClaim defined in the manifests", dst)
		}
	})
	t.Run("rotation keeps 14", func(t *testing.T) {
		var found bool
		for _, c := range pod.Containers {
			script := strings.Join(slices.Concat(c.Command, c.Args), " ")
			if c.Name == backup.Name || !strings.Contains(script, dst) {
				continue
			}
			found = true
			if !slices.ContainsFunc(c.Env, func(e envVar) bool { return e.Name == "KEEP" && e.Value == "14" }) {
				t.Errorf("%s: env KEEP is not 14", c.Name)
			}
			if !strings.Contains(script, "${KEEP}") {
				t.Errorf("%s: the script does not use ${KEEP}", c.Name)
			}
		}
		if !found || !slices.ContainsFunc(pod.InitContainers, func(c container) bool { return c.Name == backup.Name }) {
			t.Errorf("want the backup as an init container and a container that renames %s and prunes", dst)
		}
	})
	t.Run("secrets", func(t *testing.T) {
		for _, p := range d.envProblems(t, backup) {
			t.Error(p)
		}
	})
	t.Run("same image as the bot", func(t *testing.T) {
		if backup.Image != d.bot.Image {
			t.Errorf("backup image %q, bot image %q: the copy must be checked by the bot's schema", backup.Image, d.bot.Image)
		}
	})
}

func TestImages(t *testing.T) {
	d := load(t)
	pods := []podSpec{d.sts.Template.Spec, d.backupPod().Spec}
	for _, pod := range pods {
		for _, c := range slices.Concat(pod.InitContainers, pod.Containers) {
			t.Run(c.Name, func(t *testing.T) {
				if runsBinary(c) && c.Image != d.bot.Image {
					t.Errorf("image %q differs from the bot's %q", c.Image, d.bot.Image)
				}
				i := slices.IndexFunc(d.kust.Images, func(im kustImage) bool { return im.Name == c.Image })
				if i >= 0 {
					im := d.kust.Images[i]
					if im.Digest == "" && (im.NewTag == "" || im.NewTag == "latest") {
						t.Errorf("kustomization pins %s to tag %q; want a version or a digest", c.Image, im.NewTag)
					}
					return
				}
				if p := imagePinProblem(c.Image); p != "" {
					t.Error(p)
				}
			})
		}
	}
}

// imagePinProblem says why ref is not pinned to a version, or "".
func imagePinProblem(ref string) string {
	if strings.Contains(ref, "@sha256:") {
		return ""
	}
	name := ref[strings.LastIndex(ref, "/")+1:]
	_, tag, ok := strings.Cut(name, ":")
	switch {
	case !ok || tag == "":
		return fmt.Sprintf("image %s has no tag (DL3006)", ref)
	case tag == "latest":
		return fmt.Sprintf("image %s uses latest (DL3007)", ref)
	}
	return ""
}

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd, args string
	line      int
}

func parseDockerfile(text string) []instruction {
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, l := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(l)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() > 0 && strings.HasPrefix(trimmed, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(trimmed, "\\"); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args), start})
		cur.Reset()
	}
	return out
}

// finalStage returns the instructions from the last FROM on.
func finalStage(ins []instruction) []instruction {
	for i := len(ins) - 1; i >= 0; i-- {
		if ins[i].cmd == "FROM" {
			return ins[i:]
		}
	}
	return nil
}

// fromImage returns the image of a FROM and its stage alias, if any.
func fromImage(args string) (image, alias string) {
	f := strings.Fields(args)
	for len(f) > 0 && strings.HasPrefix(f[0], "--") {
		f = f[1:]
	}
	if len(f) == 0 {
		return "", ""
	}
	if len(f) == 3 && strings.EqualFold(f[1], "AS") {
		alias = strings.ToLower(f[2])
	}
	return f[0], alias
}

// dockerfileProblems checks the hadolint rules of deploy/docker-checklist.md
// that apply to this project, plus that the image exposes port.
func dockerfileProblems(text string, port int) []string {
	ins := parseDockerfile(text)
	var out []string
	bad := func(in instruction, format string, a ...any) {
		out = append(out, fmt.Sprintf("line %d: %s %s: %s", in.line, in.cmd, in.args, fmt.Sprintf(format, a...)))
	}
	stages := map[string]bool{}
	pipefail := false
	for _, in := range ins {
		switch in.cmd {
		case "FROM":
			img, alias := fromImage(in.args)
			if !stages[strings.ToLower(img)] && img != "scratch" {
				if p := imagePinProblem(img); p != "" {
					bad(in, "%s", p)
				}
			}
			if alias != "" {
				stages[alias] = true
			}
		case "SHELL":
			pipefail = strings.Contains(in.args, "pipefail")
		case "RUN":
			if strings.Contains(in.args, "|") && !strings.Contains(in.args, "||") && !pipefail && !strings.Contains(in.args, "pipefail") {
				bad(in, "a pipe without pipefail hides failures (DL4006)")
			}
			if strings.Contains(in.args, "apt-get install") && !aptPinned(in.args) {
				bad(in, "apt-get install without pinned versions (DL3008)")
			}
			if strings.Contains(in.args, "apk add") && !strings.Contains(in.args, "=") {
				bad(in, "apk add without pinned versions (DL3018)")
			}
		case "ADD":
			bad(in, "use COPY for local files (DL3020)")
		}
	}
	final := finalStage(ins)
	var user *instruction
	var exposed []string
	for i, in := range final {
		switch in.cmd {
		case "USER":
			user = &final[i]
		case "EXPOSE":
			for _, p := range strings.Fields(in.args) {
				exposed = append(exposed, strings.TrimSuffix(p, "/tcp"))
			}
		case "ENTRYPOINT", "CMD":
			var argv []string
			if json.Unmarshal([]byte(in.args), &argv) != nil || len(argv) == 0 {
				bad(in, "use the JSON (exec) form, so signals reach the process (DL3025)")
			}
		}
	}
	if user == nil {
		out = append(out, "the final stage has no USER: it runs as root (DL3002)")
	} else if u, _, _ := strings.Cut(user.args, ":"); u == "root" || u == "0" {
		bad(*user, "the last USER is root (DL3002)")
	}
	if !slices.Contains(exposed, strconv.Itoa(port)) {
		out = append(out, fmt.Sprintf("the final stage does not EXPOSE %d (server.listen)", port))
	}
	return out
}

// aptPinned reports whether every package of an apt-get install has =VERSION.
func aptPinned(run string) bool {
	for _, cmd := range strings.Split(run, "&&") {
		_, pkgs, ok := strings.Cut(cmd, "apt-get install")
		if !ok {
			continue
		}
		for _, p := range strings.Fields(pkgs) {
			if !strings.HasPrefix(p, "-") && !strings.Contains(p, "=") {
				return false
			}
		}
	}
	return true
}

func TestDockerfile(t *testing.T) {
	d := load(t)
	data, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, p := range dockerfileProblems(text, d.port(t)) {
		t.Errorf("Dockerfile: %s", p)
	}
	final := finalStage(parseDockerfile(text))
	if len(final) == 0 {
		t.Fatal("Dockerfile: no FROM")
	}
	t.Run("binary where the manifests run it", func(t *testing.T) {
		if !slices.ContainsFunc(final, func(in instruction) bool {
			f := strings.Fields(in.args)
			return in.cmd == "COPY" && len(f) > 0 && f[len(f)-1] == binary
		}) {
			t.Errorf("the final stage copies nothing to %s, which the manifests run", binary)
		}
	})
	t.Run("user is the manifests' runAsUser", func(t *testing.T) {
		base, _ := fromImage(final[0].args)
		var user string
		for _, in := range final {
			if in.cmd == "USER" {
				user, _, _ = strings.Cut(in.args, ":")
			}
		}
		uid, err := strconv.Atoi(user)
		if err != nil && user == "nonroot" && strings.Contains(base, "distroless") {
			uid, err = distrolessNonroot, nil
		}
		if err != nil || uid != distrolessNonroot {
			t.Errorf("USER %q on %s: cannot tell it is uid %d, which the manifests run as", user, base, distrolessNonroot)
		}
	})
	t.Run("volume holds storage.path", func(t *testing.T) {
		if !slices.ContainsFunc(final, func(in instruction) bool {
			return in.cmd == "VOLUME" && strings.Contains(in.args, `"`+filepath.Dir(d.cfg.Storage.Path)+`"`)
		}) {
			t.Errorf("the image declares no VOLUME %s for storage.path %s", filepath.Dir(d.cfg.Storage.Path), d.cfg.Storage.Path)
		}
	})
}

func TestDockerfileChecks(t *testing.T) {
	const good = "FROM golang:1.26 AS build\nRUN go build -o /out/x .\nFROM gcr.io/distroless/static-debian12:nonroot\n" +
		"COPY --from=build /out/x /x\nEXPOSE 8080\nUSER nonroot:nonroot\nENTRYPOINT [\"/x\"]\n"
	for _, tc := range []struct {
		name, text, want string
	}{
		{"good", good, ""},
		{"continuation and comments", "FROM debian:12\n# c\nRUN set -o pipefail && \\\n  # inner\n  curl x | sh\nUSER 1000\nEXPOSE 8080\nCMD [\"/x\"]\n", ""},
		{"untagged base", strings.Replace(good, "golang:1.26", "golang", 1), "DL3006"},
		{"latest base", strings.Replace(good, ":nonroot\n", ":latest\n", 1), "DL3007"},
		{"shell-form entrypoint", strings.Replace(good, `["/x"]`, "/x serve", 1), "DL3025"},
		{"root user", strings.Replace(good, "USER nonroot:nonroot", "USER root", 1), "DL3002"},
		{"no user", strings.Replace(good, "USER nonroot:nonroot\n", "", 1), "DL3002"},
		{"user only in the build stage", "FROM a:1 AS b\nUSER nobody\nFROM c:1\nEXPOSE 8080\nCMD [\"/x\"]\n", "DL3002"},
		{"pipe", strings.Replace(good, "RUN go build", "RUN curl x | sh && go build", 1), "DL4006"},
		{"apt unpinned", strings.Replace(good, "RUN go build", "RUN apt-get install -y --no-install-recommends curl=7.88 git && go build", 1), "DL3008"},
		{"apk unpinned", strings.Replace(good, "RUN go build", "RUN apk add curl && go build", 1), "DL3018"},
		{"add", strings.Replace(good, "RUN go build", "ADD . /src\nRUN go build", 1), "DL3020"},
		{"wrong port", strings.Replace(good, "EXPOSE 8080", "EXPOSE 9090", 1), "EXPOSE 8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(dockerfileProblems(tc.text, 8080), "\n")
			if tc.want == "" && got != "" {
				t.Errorf("unexpected problems:\n%s", got)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("problems %q do not mention %s", got, tc.want)
			}
		})
	}
}

// unit is a systemd unit file: section -> key -> values, in order.
type unit map[string]map[string][]string

func parseUnit(text string) unit {
	u := unit{}
	section := ""
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, ";"):
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			section = l[1 : len(l)-1]
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
		default:
			k, v, ok := strings.Cut(l, "=")
			if ok && section != "" {
				u[section][strings.TrimSpace(k)] = append(u[section][strings.TrimSpace(k)], strings.TrimSpace(v))
			}
		}
	}
	return u
}

// last is the effective value of a single-valued key.
func (u unit) last(section, key string) string {
	v := u[section][key]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// clone copies u so a test can change one key.
func (u unit) clone() unit {
	c := unit{}
	for s, keys := range u {
		c[s] = map[string][]string{}
		for k, v := range keys {
			c[s][k] = slices.Clone(v)
		}
	}
	return c
}

// timespan parses a systemd time span such as 30, 30s, 1min 30s or 500ms.
func timespan(s string) (time.Duration, error) {
	units := map[string]time.Duration{"": time.Second, "us": time.Microsecond, "ms": time.Millisecond,
		"s": time.Second, "sec": time.Second, "m": time.Minute, "min": time.Minute, "h": time.Hour, "hr": time.Hour}
	re := regexp.MustCompile(`^\s*(\d+)\s*([a-z]*)`)
	var total time.Duration
	rest := s
	for strings.TrimSpace(rest) != "" {
		m := re.FindStringSubmatch(rest)
		if m == nil {
			return 0, fmt.Errorf("bad time span %q", s)
		}
		n, _ := strconv.Atoi(m[1])
		u, ok := units[m[2]]
		if !ok {
			return 0, fmt.Errorf("bad unit %q in %q", m[2], s)
		}
		total += time.Duration(n) * u
		rest = rest[len(m[0]):]
	}
	if s == "" {
		return 0, errors.New("empty time span")
	}
	return total, nil
}

// unitProblems checks the service unit against what serve needs.
func unitProblems(u unit, shutdown time.Duration) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	svc := "Service"
	exec := strings.Fields(u.last(svc, "ExecStart"))
	if len(exec) < 4 || !filepath.IsAbs(exec[0]) || exec[1] != "serve" || !filepath.IsAbs(flagValue(exec, "config")) {
		bad("ExecStart %q: want /path/sprintguard serve --config /abs/path", u.last(svc, "ExecStart"))
	}
	if got := u.last(svc, "Restart"); got != "on-failure" {
		bad("Restart=%s, want on-failure", got)
	}
	if stop, err := timespan(u.last(svc, "TimeoutStopSec")); err != nil || stop <= shutdown {
		bad("TimeoutStopSec=%s must exceed shutdown_timeout %s (%v)", u.last(svc, "TimeoutStopSec"), shutdown, err)
	}
	for key, want := range map[string]string{"NoNewPrivileges": "yes", "ProtectSystem": "strict", "StateDirectory": "sprintguard"} {
		if got := u.last(svc, key); got != want {
			bad("%s=%s, want %s", key, got, want)
		}
	}
	state := "/var/lib/" + u.last(svc, "StateDirectory")
	if !slices.ContainsFunc(u[svc]["ReadWritePaths"], func(v string) bool { return slices.Contains(strings.Fields(v), state) }) {
		bad("ReadWritePaths %v lacks %s, where storage.path goes", u[svc]["ReadWritePaths"], state)
	}
	if u.last(svc, "DynamicUser") != "yes" && u.last(svc, "User") != "sprintguard" {
		bad("neither DynamicUser=yes nor User=sprintguard: it would run as root")
	}
	if env := u.last(svc, "EnvironmentFile"); !filepath.IsAbs(strings.TrimPrefix(env, "-")) {
		bad("EnvironmentFile=%q: the secrets need an absolute env file", env)
	}
	if u.last(svc, "Environment") != "" && strings.Contains(strings.Join(u[svc]["Environment"], " "), "TOKEN") {
		bad("a token in Environment=, which is world-readable; use EnvironmentFile")
	}
	return out
}

// envFile reads KEY=value lines.
func envFile(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s: line %q is not KEY=value", name, l)
		}
		env[k] = v
	}
	return env
}

func TestSystemdUnit(t *testing.T) {
	d := load(t)
	data, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	u := parseUnit(string(data))
	shutdown := d.shutdown(t)
	for _, p := range unitProblems(u, shutdown) {
		t.Errorf("%s: %s", unitFile, p)
	}
	t.Run("env example gives the config its variables", func(t *testing.T) {
		env := envFile(t, envExample)
		for name := range envRefs(t, d.cfgText) {
			if !strings.Contains(env[name], "REPLACE-ME") {
				t.Errorf("%s: %s is missing or not marked as a placeholder", envExample, name)
			}
		}
		cfg, err := config.Parse("/etc/sprintguard/"+configKey, []byte(d.cfgText), func(k string) string { return env[k] })
		if err == nil {
			err = cfg.CheckSlack()
		}
		if err != nil {
			t.Errorf("the config does not load with %s:\n%v", envExample, err)
		}
	})
	for _, tc := range []struct {
		key, value, want string
	}{
		{"Restart", "always", "Restart"},
		{"TimeoutStopSec", "20s", "TimeoutStopSec"},
		{"TimeoutStopSec", "1min", ""},
		{"NoNewPrivileges", "no", "NoNewPrivileges"},
		{"ProtectSystem", "full", "ProtectSystem"},
		{"ReadWritePaths", "/tmp", "ReadWritePaths"},
		{"User", "root", "DynamicUser"},
		{"EnvironmentFile", "", "EnvironmentFile"},
		{"ExecStart", "/usr/local/bin/sprintguard serve", "ExecStart"},
		{"Environment", "SLACK_BOT_TOKEN=xoxb-1", "Environment="},
	} {
		t.Run(fmt.Sprintf("catches %s=%s", tc.key, tc.value), func(t *testing.T) {
			c := u.clone()
			c["Service"][tc.key] = []string{tc.value}
			got := strings.Join(unitProblems(c, shutdown), "\n")
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("problems %q, want a mention of %q", got, tc.want)
			}
		})
	}
}
