// The facade PowerShell calls: typed methods that build the JSON request, call the generated
// interop (bindings/Interop.cs), read the answer and turn errors into GitHubOidcException.
// Answers come back as case-insensitive Hashtables and object[] arrays, so PowerShell shapes
// objects without parsing JSON. Operation errors are returned, not thrown (NativeResult.Error):
// a thrown .NET exception would be recorded in $Error and -ErrorVariable several times on its
// way through PowerShell. Tokens are never part of ToString(), exceptions or answers.

using System;
using System.Collections;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace GitHubOidc.Native
{
    /// <summary>Where to talk to. Every member is optional.</summary>
    public sealed class GitHubOidcContext
    {
        public string? HostName { get; set; }
        public string? ApiBaseUri { get; set; }
        public string? IssuerUri { get; set; }
        /// <summary>The token in plain text, only for the duration of a call.</summary>
        public string? Token { get; set; }
        /// <summary>Where the token came from (Context, GH_TOKEN, GITHUB_TOKEN, gh), for messages.</summary>
        public string? TokenSource { get; set; }
        public double? TimeoutSec { get; set; }
        public int? MaxRetries { get; set; }
        public double? MaxRetryWaitSec { get; set; }

        public override string ToString() => HostName ?? ApiBaseUri ?? "github.com";

        internal void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject("context");
            NativeClient.WriteString(w, "host_name", HostName);
            NativeClient.WriteString(w, "api_base_uri", ApiBaseUri);
            NativeClient.WriteString(w, "issuer_uri", IssuerUri);
            NativeClient.WriteString(w, "token", Token);
            if (TimeoutSec.HasValue) w.WriteNumber("timeout_sec", TimeoutSec.Value);
            if (MaxRetries.HasValue) w.WriteNumber("max_retries", MaxRetries.Value);
            if (MaxRetryWaitSec.HasValue) w.WriteNumber("max_retry_wait_sec", MaxRetryWaitSec.Value);
            w.WriteEndObject();
        }
    }

    /// <summary>An error from the native layer, with GitHub's details.</summary>
    public sealed class GitHubOidcException : Exception
    {
        public GitHubOidcException(GhoStatus status, Hashtable details)
            : base(details["message"] as string ?? status.ToString())
        {
            Status = status;
            Details = details;
        }

        /// <summary>The stable code (also the ErrorId suffix: GitHubOidc.NotFound, …).</summary>
        public GhoStatus Status { get; }
        public string Kind => Status.ToString();
        public Hashtable Details { get; }
        public int? StatusCode => Details["status"] is double d ? (int)d : null;
        public string? GitHubMessage => Details["github_message"] as string;
        public string? DocumentationUrl => Details["documentation_url"] as string;
        public string? RequiredPermission => Details["required_permission"] as string;
        public string? AcceptedPermissions => Details["accepted_permissions"] as string;
        public string? Url => Details["url"] as string;
        public string[] Errors => Details["errors"] is object[] a ? Array.ConvertAll(a, x => x?.ToString() ?? "") : Array.Empty<string>();
    }

    /// <summary>The outcome of a facade call: a value, or the error (never both).</summary>
    public sealed class NativeResult
    {
        internal NativeResult(object? value, GitHubOidcException? error)
        {
            Value = value;
            Error = error;
        }

        /// <summary>The answer: a Hashtable, or a string for TrustPolicy.</summary>
        public object? Value { get; }
        /// <summary>Why the call failed, or null.</summary>
        public GitHubOidcException? Error { get; }
        public bool Ok => Error == null;
    }

    /// <summary>One method per native function.</summary>
    public static class NativeClient
    {
        internal static void WriteString(Utf8JsonWriter w, string name, string? value)
        {
            if (value != null) w.WriteString(name, value);
        }

        private static void WriteStrings(Utf8JsonWriter w, string name, string[]? values)
        {
            if (values == null) return;
            w.WriteStartArray(name);
            foreach (var v in values) w.WriteStringValue(v);
            w.WriteEndArray();
        }

        private static byte[] Request(GitHubOidcContext? ctx, Action<Utf8JsonWriter>? body)
        {
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                ctx?.Write(w);
                body?.Invoke(w);
                w.WriteEndObject();
            }
            return buffer.ToArray();
        }

        /// <summary>Calls a native function and returns its answer or its error.</summary>
        private static NativeResult Call(Func<byte[], GhoStatus> function, byte[] request)
        {
            GhoStatus status;
            byte[] answer;
            try
            {
                status = function(request);
                answer = new byte[Interop.ghoidc_result_len()];
                Interop.ghoidc_result_copy(answer);
            }
            finally
            {
                // The request may hold a token: do not leave it in managed memory.
                Array.Clear(request);
            }
            using var doc = JsonDocument.Parse(answer);
            var value = Convert(doc.RootElement);
            return status == GhoStatus.Ok
                ? new NativeResult(value, null)
                : new NativeResult(null, new GitHubOidcException(status, value as Hashtable ?? new Hashtable()));
        }

        /// <summary>JSON → case-insensitive Hashtable / object[] / string / double / bool / null.</summary>
        public static object? Convert(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (var p in e.EnumerateObject()) table[p.Name] = Convert(p.Value);
                    return table;
                case JsonValueKind.Array:
                    var list = new ArrayList();
                    foreach (var item in e.EnumerateArray()) list.Add(Convert(item));
                    return list.ToArray();
                case JsonValueKind.String: return e.GetString();
                case JsonValueKind.Number: return e.TryGetInt64(out var l) ? l : e.GetDouble();
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                default: return null;
            }
        }

        public static NativeResult Version() => Call(Interop.ghoidc_version, Request(null, null));

        public static NativeResult Context(GitHubOidcContext ctx) => Call(Interop.ghoidc_context, Request(ctx, null));

        public static NativeResult Discover(GitHubOidcContext ctx, string? enterprise) =>
            Call(Interop.ghoidc_discover, Request(ctx, w => WriteString(w, "enterprise", enterprise)));

        public static NativeResult ClaimKeys(GitHubOidcContext ctx, string? enterprise, bool completion) =>
            Call(Interop.ghoidc_claim_keys, Request(ctx, w =>
            {
                WriteString(w, "enterprise", enterprise);
                w.WriteBoolean("completion", completion);
            }));

        /// <summary>Checks a template's keys (syntax, duplicates, known to the instance) without writing.</summary>
        public static NativeResult CheckClaimKeys(GitHubOidcContext ctx, string[] includeClaimKeys, bool allowUnknownClaimKey) =>
            Call(Interop.ghoidc_check_claim_keys, Request(ctx, w =>
            {
                WriteStrings(w, "include_claim_keys", includeClaimKeys);
                w.WriteBoolean("allow_unknown_keys", allowUnknownClaimKey);
            }));

        public static NativeResult GetSubjectClaim(GitHubOidcContext ctx, string owner, string? repository)
        {
            var request = Request(ctx, w =>
            {
                w.WriteString("owner", owner);
                WriteString(w, "repository", repository);
            });
            return repository == null
                ? Call(Interop.ghoidc_get_org_subject_claim, request)
                : Call(Interop.ghoidc_get_repo_subject_claim, request);
        }

        public static NativeResult SetSubjectClaim(GitHubOidcContext ctx, string owner, string? repository,
            bool? useDefault, string[]? includeClaimKeys, bool? useImmutableSubject, bool allowUnknownClaimKey)
        {
            var request = Request(ctx, w =>
            {
                w.WriteString("owner", owner);
                WriteString(w, "repository", repository);
                w.WriteStartObject("update");
                if (useDefault.HasValue) w.WriteBoolean("use_default", useDefault.Value);
                WriteStrings(w, "include_claim_keys", includeClaimKeys);
                if (useImmutableSubject.HasValue) w.WriteBoolean("use_immutable_subject", useImmutableSubject.Value);
                w.WriteBoolean("allow_unknown_keys", allowUnknownClaimKey);
                w.WriteEndObject();
            });
            return repository == null
                ? Call(Interop.ghoidc_set_org_subject_claim, request)
                : Call(Interop.ghoidc_set_repo_subject_claim, request);
        }

        /// <summary>Custom-property inclusions of an organization (owner) or an enterprise.</summary>
        public static NativeResult PropertyClaims(GitHubOidcContext ctx, string? owner, string? enterprise) =>
            Call(Interop.ghoidc_list_property_claims, Request(ctx, w =>
            {
                WriteString(w, "owner", owner);
                WriteString(w, "enterprise", enterprise);
            }));

        /// <summary>Adds (add = true) or removes a custom-property inclusion.</summary>
        public static NativeResult SetPropertyClaim(GitHubOidcContext ctx, string? owner, string? enterprise, string name, bool add)
        {
            var request = Request(ctx, w =>
            {
                WriteString(w, "owner", owner);
                WriteString(w, "enterprise", enterprise);
                w.WriteString("name", name);
            });
            return add
                ? Call(Interop.ghoidc_add_property_claim, request)
                : Call(Interop.ghoidc_remove_property_claim, request);
        }

        public static NativeResult SetEnterpriseIssuer(GitHubOidcContext ctx, string enterprise, bool includeEnterpriseSlug) =>
            Call(Interop.ghoidc_set_enterprise_issuer, Request(ctx, w =>
            {
                w.WriteString("enterprise", enterprise);
                w.WriteBoolean("include_enterprise_slug", includeEnterpriseSlug);
            }));

        /// <summary>Subject preview. `claims` maps claim names to values; `live` reads the repository's template.</summary>
        public static NativeResult ResolveSubject(GitHubOidcContext? ctx, string? owner, string? repository,
            IDictionary? claims, string[]? includeClaimKeys, bool useImmutableSubject, string? token)
        {
            return Call(Interop.ghoidc_resolve_subject, Request(ctx, w =>
            {
                WriteString(w, "owner", owner);
                WriteString(w, "repository", repository);
                if (claims != null)
                {
                    w.WriteStartObject("claims");
                    foreach (DictionaryEntry entry in claims)
                    {
                        var key = entry.Key?.ToString();
                        if (key == null) continue;
                        var v = entry.Value is bool b ? (b ? "true" : "false") : entry.Value?.ToString();
                        if (v != null) w.WriteString(key, v);
                    }
                    w.WriteEndObject();
                }
                WriteStrings(w, "include_claim_keys", includeClaimKeys);
                w.WriteBoolean("use_immutable_subject", useImmutableSubject);
                WriteString(w, "token", token);
            }));
        }

        public static NativeResult DecodeToken(string token) =>
            Call(Interop.ghoidc_decode_token, Request(null, w => w.WriteString("token", token)));

        public static NativeResult VerifyToken(GitHubOidcContext ctx, string token, string? audience, string? enterprise) =>
            Call(Interop.ghoidc_verify_token, Request(ctx, w =>
            {
                w.WriteString("token", token);
                WriteString(w, "audience", audience);
                WriteString(w, "enterprise", enterprise);
            }));

        /// <summary>A trust policy; Value is a string[] of indented JSON documents (Azure: one per credential).</summary>
        public static NativeResult TrustPolicy(string provider, string[] subjects, string? audience, string issuer,
            string? awsAccountId, string? name)
        {
            var answer = Call(Interop.ghoidc_trust_policy, Request(null, w =>
            {
                w.WriteString("provider", provider);
                WriteStrings(w, "subjects", subjects);
                WriteString(w, "audience", audience);
                w.WriteString("issuer", issuer);
                WriteString(w, "aws_account_id", awsAccountId);
                WriteString(w, "name", name);
            }));
            if (!answer.Ok) return answer;
            var documents = (answer.Value as Hashtable)?["documents"] as object[] ?? Array.Empty<object>();
            return new NativeResult(Array.ConvertAll(documents, d => d?.ToString() ?? ""), null);
        }

        public static void ClearCache() => _ = Call(Interop.ghoidc_clear_cache, Request(null, null));
    }
}
