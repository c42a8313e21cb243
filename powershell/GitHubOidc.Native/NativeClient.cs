// The facade PowerShell calls: NativeClient.Invoke(request) writes a generated request class
// (bindings/Requests.cs, from the Rust contract) as JSON with its generated WriteJson, calls its export
// through the generated interop (bindings/Interop.cs), reads the answer and turns errors into
// GitHubOidcException. No request field is spelled here.
// Answers come back as case-insensitive Hashtables and object[] arrays, so PowerShell shapes
// objects without parsing JSON. Operation errors are returned, not thrown (NativeResult.Error):
// a thrown .NET exception would be recorded in $Error and -ErrorVariable several times on its
// way through PowerShell. Tokens are never part of ToString(), exceptions or answers.

using System;
using System.Buffers;
using System.Collections;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace GitHubOidc.Native
{
    /// <summary>Where to talk to (the generated half is in Requests.cs). Every member is optional.</summary>
    public sealed partial class GitHubOidcContext
    {
        /// <summary>Where the token came from (Context, GH_TOKEN, GITHUB_TOKEN, gh), for messages; never sent (not in the contract).</summary>
        public string? TokenSource { get; set; }

        /// <summary>
        /// A GitHub App's private key given as a SecureString. It stays encrypted here and is
        /// made plain text only while a request is serialised for the native library
        /// (NativeClient.Invoke), as the request's private_key. Not in the contract, so never written.
        /// </summary>
        public System.Security.SecureString? PrivateKeySecret { get; set; }

        public override string ToString() => HostName ?? ApiBaseUri ?? "github.com";

        /// <summary>A copy to change for some requests (e.g. Sync's write interval) without changing the session's context.</summary>
        public GitHubOidcContext Copy() => (GitHubOidcContext)MemberwiseClone();
    }

    /// <summary>A request to one export; the classes are generated from the Rust contract (Requests.cs).</summary>
    public interface INativeRequest
    {
        /// <summary>The export the request is sent to.</summary>
        string Export { get; }

        /// <summary>Calls the export with the serialised request.</summary>
        GhoidcStatus Call(byte[] json);

        /// <summary>Writes the request as the contract's JSON (generated in Requests.cs).</summary>
        void WriteJson(Utf8JsonWriter writer);
    }

    /// <summary>An error from the native layer, with GitHub's details.</summary>
    public sealed class GitHubOidcException : Exception
    {
        public GitHubOidcException(GhoidcStatus status, Hashtable details)
            : base(details["message"] as string ?? status.ToString())
        {
            Status = status;
            Details = details;
        }

        /// <summary>The stable code (also the ErrorId suffix: GitHubOidc.NotFound, …).</summary>
        public GhoidcStatus Status { get; }
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

        /// <summary>The answer: a case-insensitive Hashtable (or an object[] for a JSON array).</summary>
        public object? Value { get; }
        /// <summary>Why the call failed, or null.</summary>
        public GitHubOidcException? Error { get; }
        public bool Ok => Error == null;
    }

    /// <summary>Sends generated request objects to their exports (the native library is found by NativeLibraryResolver).</summary>
    public static class NativeClient
    {
        /// <summary>
        /// A request as the contract's JSON, written by its generated WriteJson with a
        /// Utf8JsonWriter: no serializer to build or JIT on the first call of a fresh process
        /// (issue 20: System.Text.Json's serializer cost 30 ms there). The working buffer may hold
        /// a token: it is cleared once copied.
        /// </summary>
        private static byte[] Serialize(INativeRequest request)
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            try
            {
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    request.WriteJson(writer);
                }
                return buffer.WrittenSpan.ToArray();
            }
            finally
            {
                buffer.Clear();
            }
        }

        /// <summary>Sends a request to its export and returns the answer or the error (never throws for a failed operation).</summary>
        public static NativeResult Invoke(INativeRequest request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var context = ContextOf(request);
            var secret = context?.PrivateKeySecret;
            if (context == null || secret == null || !string.IsNullOrEmpty(context.PrivateKey))
            {
                return Call(request.Call, Serialize(request));
            }
            // The seam: the SecureString key is plain text only while the request is written.
            byte[] json;
            var pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
            try
            {
                context.PrivateKey = Marshal.PtrToStringUni(pointer);
                json = Serialize(request);
            }
            finally
            {
                context.PrivateKey = null;
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
            return Call(request.Call, json);
        }

        /// <summary>The request's context (its Context member), or null when it has none.</summary>
        internal static GitHubOidcContext? ContextOf(INativeRequest request) =>
            request.GetType().GetProperty("Context")?.GetValue(request) as GitHubOidcContext;

        /// <summary>
        /// <paramref name="text"/> with every token removed: every token shape (the one redaction,
        /// github_oidc_claims::text::redact, through ghoidc_redact) and every exact occurrence of
        /// <paramref name="secrets"/>. For the texts the module composes itself (error messages,
        /// verbose and debug lines, targets); answers of the native library are redacted already.
        /// Never throws: when the native call fails, the text is replaced by [REDACTED] as a whole.
        /// </summary>
        public static string Redact(string? text, params string?[]? secrets)
        {
            if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
            try
            {
                var request = new RedactRequest
                {
                    Texts = new[] { text },
                    Secrets = secrets == null ? null : Array.ConvertAll(Array.FindAll(secrets, s => !string.IsNullOrEmpty(s)), s => s!),
                };
                var result = Invoke(request);
                if (result.Ok && result.Value is Hashtable h && h["texts"] is object[] texts && texts.Length == 1 && texts[0] is string redacted)
                {
                    return redacted;
                }
            }
            catch (Exception)
            {
                // Fall through: better no text than a token.
            }
            return "[REDACTED]";
        }

        /// <summary>Calls a native function and returns its answer or its error.</summary>
        private static NativeResult Call(Func<byte[], GhoidcStatus> function, byte[] request)
        {
            GhoidcStatus status;
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
            return status == GhoidcStatus.Ok
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
    }

    /// <summary>
    /// Writes values typed as object (claim values from a PowerShell hashtable, a desired-state
    /// document from Import-PowerShellDataFile): text, numbers and booleans as themselves,
    /// dictionaries (Hashtable, OrderedDictionary) as objects with text keys, other collections
    /// (object[], lists) as arrays, a PSObject as its base object, anything else as its text.
    /// Nesting is bounded, so a self-referencing structure is an error, not a stack overflow.
    /// </summary>
    internal static class LooseValue
    {
        private const int MaxDepth = 64;

        /// <summary>Writes <paramref name="value"/> (see the class).</summary>
        internal static void Write(Utf8JsonWriter writer, object? value) => WriteValue(writer, value, 0);

        private static void WriteValue(Utf8JsonWriter writer, object? value, int depth)
        {
            if (depth > MaxDepth) throw new JsonException($"A value nests deeper than {MaxDepth} levels.");
            value = Unwrap(value);
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case string s: writer.WriteStringValue(s); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case int or long or short or byte or uint or ulong or ushort or sbyte:
                    writer.WriteNumberValue(System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                case double or float or decimal:
                    writer.WriteNumberValue(System.Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                case IDictionary dictionary:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        writer.WritePropertyName(System.Convert.ToString(Unwrap(entry.Key), System.Globalization.CultureInfo.InvariantCulture) ?? "");
                        WriteValue(writer, entry.Value, depth + 1);
                    }
                    writer.WriteEndObject();
                    break;
                case IEnumerable items:
                    writer.WriteStartArray();
                    foreach (var item in items) WriteValue(writer, item, depth + 1);
                    writer.WriteEndArray();
                    break;
                default: writer.WriteStringValue(System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }

        /// <summary>A PSObject's base object (found by name: this assembly does not reference PowerShell).</summary>
        private static object? Unwrap(object? value)
        {
            while (value != null && value.GetType().FullName == "System.Management.Automation.PSObject")
            {
                var inner = value.GetType().GetProperty("BaseObject")?.GetValue(value);
                if (inner == null || ReferenceEquals(inner, value)) break;
                value = inner;
            }
            return value;
        }
    }
}
