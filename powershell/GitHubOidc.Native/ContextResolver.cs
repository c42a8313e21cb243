// ContextResolver: turns what the user passed as -Context into a GitHubOidcContext, for
// Initialize-GitHubOidcContext and the claim-key completer (issue 20: a 150-line PowerShell
// function cost ~44 ms the first time it ran, compiled whole; this costs a few). It only shapes
// what the user gave, with PowerShell's conversions (LanguagePrimitives, as `-as` and "$value"):
// which host it is, where a token comes from, whether a host name looks like a token, and what a
// valid GitHub App is are decided by the native layer. Accepted: nothing (GH_HOST, else
// github.com), a host name, a GitHubOidcContext (copied), a dictionary (keys matched without
// regard to case) or any object with some of the properties below (PSModule/GitHub context
// objects carry HostName, ApiBaseUri and Token and work as they are). Paths are made absolute
// against PowerShell's current location (PSDrives, ~), which the native library does not know.
// An invalid context is returned as a message (ContextResolution.Error), never thrown, and the
// message never holds the context's values: one of them may be a token.
// Also here: the network variables as this session sees them (PowerShell's $env: changes never
// reach the native library's environment on Linux and macOS).

using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Security;

namespace GitHubOidc.Native
{
    /// <summary>The outcome of ContextResolver.Resolve: the context, or why it cannot be used (never both).</summary>
    public sealed class ContextResolution
    {
        internal ContextResolution(GitHubOidcContext? context, string? error)
        {
            Context = context;
            Error = error;
        }

        /// <summary>The shaped context, or null.</summary>
        public GitHubOidcContext? Context { get; }

        /// <summary>What is wrong and how to fix it (for a GitHubOidc.InvalidArgument record), or null.</summary>
        public string? Error { get; }
    }

    /// <summary>Shapes a -Context value; see the file's header.</summary>
    public static class ContextResolver
    {
        /// <summary>The members read from a dictionary or an object.</summary>
        private static readonly string[] MemberNames =
        {
            "HostName", "ApiBaseUri", "IssuerUri", "TimeoutSec", "MaxRetryWaitSec", "MaxRetries", "Token",
            "ClientId", "AppId", "PrivateKey", "PrivateKeyPath", "InstallationId",
            "PointsPerMinute", "Proxy", "NoProxy", "CaCertificatePath", "AllowInsecureHttp", "CachePath",
        };

        /// <summary>
        /// The GitHubOidcContext for <paramref name="context"/> (the value of -Context: null, a host
        /// name, a GitHubOidcContext, a dictionary or any object), or the message saying why it
        /// cannot be used. With <paramref name="noToken"/> any token is dropped (discovery and
        /// completion never need one). <paramref name="paths"/> resolves CaCertificatePath,
        /// CachePath and PrivateKeyPath against the current location ($ExecutionContext.SessionState.Path).
        /// </summary>
        public static ContextResolution Resolve(PSObject? context, bool noToken, PathIntrinsics paths)
        {
            if (paths == null) throw new ArgumentNullException(nameof(paths));
            var result = new GitHubOidcContext();
            var value = Unwrap(context);

            if (value == null)
            {
                result.HostName = DefaultHost();
            }
            else if (value is string text)
            {
                if (string.IsNullOrWhiteSpace(text))
                {
                    return Fail("The context is an empty string. Pass a host name such as github.com, an object with HostName/ApiBaseUri/Token, or omit -Context.");
                }
                result.HostName = text.Trim();
            }
            else if (value is GitHubOidcContext given)
            {
                result.HostName = given.HostName;
                result.ApiBaseUri = given.ApiBaseUri;
                result.IssuerUri = given.IssuerUri;
                result.Token = given.Token;
                result.TokenSource = given.TokenSource;
                result.TimeoutSec = given.TimeoutSec;
                result.MaxRetries = given.MaxRetries;
                result.MaxRetryWaitSec = given.MaxRetryWaitSec;
                result.ClientId = given.ClientId;
                result.AppId = given.AppId;
                result.PrivateKey = given.PrivateKey;
                result.PrivateKeySecret = given.PrivateKeySecret;
                result.PrivateKeyPath = given.PrivateKeyPath;
                result.InstallationId = given.InstallationId;
                result.PointsPerMinute = given.PointsPerMinute;
                result.Proxy = given.Proxy;
                result.NoProxy = given.NoProxy;
                result.CaCertificatePath = given.CaCertificatePath;
                result.AllowInsecureHttp = given.AllowInsecureHttp;
                result.CachePath = given.CachePath;
            }
            else
            {
                // A dictionary is read as is; any other object through its PSObject (pscustomobject
                // properties live on the wrapper, not on the base object).
                string? error;
                try
                {
                    var members = value is IDictionary dictionary ? ReadDictionary(dictionary) : ReadProperties(context!);
                    error = Shape(members, result, paths);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A path PowerShell cannot resolve (a drive that does not exist, ...), a
                    // SecureString already disposed: in its own words.
                    error = "Invalid context: " + e.Message;
                }
                if (error != null) return Fail(error);
                if (string.IsNullOrEmpty(result.HostName) && string.IsNullOrEmpty(result.ApiBaseUri))
                {
                    result.HostName = DefaultHost();
                }
            }

            if (noToken)
            {
                result.Token = null;
                result.TokenSource = null;
            }
            return new ContextResolution(result, null);
        }

        /// <summary>The proxy and certificate variables the native layer reads (its network_variables), asked once per process.</summary>
        private static string[]? networkVariables;

        /// <summary>
        /// The proxy and certificate variables the native layer reads (HTTPS_PROXY, NO_PROXY,
        /// SSL_CERT_FILE, ...: Rust names them, in ghoidc_context's network_variables) that are
        /// set, with their values as this session sees them ($env: changes never reach the native
        /// library's environment on Linux and macOS). The names are asked of the native layer
        /// once per process, here, so a session's first command sends its context once.
        /// </summary>
        public static Dictionary<string, string?> NetworkEnvironment() =>
            NetworkEnvironment(networkVariables ??= AskNetworkVariables());

        private static string[] AskNetworkVariables()
        {
            var answer = NativeClient.Invoke(new ContextRequest { Context = new GitHubOidcContext { HostName = "github.com" } });
            if (answer.Ok && answer.Value is System.Collections.Hashtable description && description["network_variables"] is object[] names)
            {
                return Array.ConvertAll(names, name => name?.ToString() ?? string.Empty);
            }
            throw new InvalidOperationException("The native library did not name its network variables: " + (answer.Error?.Message ?? "no answer"));
        }

        /// <summary>The variables among <paramref name="names"/> that are set, with their values as this session sees them.</summary>
        public static Dictionary<string, string?> NetworkEnvironment(string[]? names)
        {
            var environment = new Dictionary<string, string?>();
            if (names == null) return environment;
            foreach (var name in names)
            {
                if (string.IsNullOrEmpty(name)) continue;
                var value = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrEmpty(value)) environment[name] = value;
            }
            return environment;
        }

        /// <summary>Sets <paramref name="result"/> from the members found; returns the first problem, or null (throws where PowerShell would: a path it cannot resolve).</summary>
        private static string? Shape(Dictionary<string, object?> members, GitHubOidcContext result, PathIntrinsics paths)
        {
            result.HostName = Text(members, "HostName");
            result.ApiBaseUri = Text(members, "ApiBaseUri");
            result.IssuerUri = Text(members, "IssuerUri");
            result.Proxy = Text(members, "Proxy");
            result.NoProxy = Text(members, "NoProxy");

            foreach (var name in new[] { "TimeoutSec", "MaxRetryWaitSec" })
            {
                if (!IsSet(members, name, out var item)) continue;
                if (!TryConvert(item, out double number)) return $"The context's {name} must be a number of seconds.";
                if (name == "TimeoutSec") result.TimeoutSec = number; else result.MaxRetryWaitSec = number;
            }
            foreach (var name in new[] { "MaxRetries", "PointsPerMinute" })
            {
                if (!IsSet(members, name, out var item)) continue;
                if (!TryConvert(item, out int number)) return $"The context's {name} must be a whole number.";
                if (name == "MaxRetries") result.MaxRetries = number; else result.PointsPerMinute = number;
            }
            if (IsSet(members, "AllowInsecureHttp", out var allow))
            {
                switch (Unwrap(allow))
                {
                    case bool flag: result.AllowInsecureHttp = flag; break;
                    case SwitchParameter flag: result.AllowInsecureHttp = flag.IsPresent; break;
                    default: return "The context's AllowInsecureHttp must be $true or $false.";
                }
            }

            var token = Unwrap(members.TryGetValue("Token", out var t) ? t : null);
            if (token is SecureString secureToken) token = new NetworkCredential(string.Empty, secureToken).Password;
            if (token is string tokenText)
            {
                if (tokenText.Trim().Length != 0)
                {
                    result.Token = tokenText;
                    result.TokenSource = "Context";
                }
            }
            else if (token != null)
            {
                return $"The context's Token must be a string or a SecureString, not [{token.GetType().FullName}].";
            }

            result.ClientId = Text(members, "ClientId");
            foreach (var name in new[] { "AppId", "InstallationId" })
            {
                if (!IsSet(members, name, out var item)) continue;
                if (!TryConvert(item, out long number)) return $"The context's {name} must be a number.";
                if (name == "AppId") result.AppId = number; else result.InstallationId = number;
            }
            var key = Unwrap(members.TryGetValue("PrivateKey", out var k) ? k : null);
            if (key is SecureString secureKey)
            {
                // Kept encrypted: made plain only at the seam into native code (NativeClient.Invoke).
                result.PrivateKeySecret = secureKey;
            }
            else if (key is string keyText)
            {
                if (keyText.Trim().Length != 0) result.PrivateKey = keyText;
            }
            else if (key != null)
            {
                return $"The context's PrivateKey must be PEM text or a SecureString, not [{key.GetType().FullName}].";
            }

            // The native library does not know PowerShell's current location: full paths.
            result.CaCertificatePath = FullPath(members, "CaCertificatePath", paths);
            result.CachePath = FullPath(members, "CachePath", paths);
            result.PrivateKeyPath = FullPath(members, "PrivateKeyPath", paths);
            return null;
        }

        /// <summary>The entries of <paramref name="dictionary"/> whose text keys are member names (the first of each, without regard to case).</summary>
        private static Dictionary<string, object?> ReadDictionary(IDictionary dictionary)
        {
            var found = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var key in dictionary.Keys)
            {
                if (Unwrap(key) is string name && Array.Exists(MemberNames, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) && !found.ContainsKey(name))
                {
                    found[name] = dictionary[key];
                }
            }
            return found;
        }

        /// <summary>The member properties of <paramref name="value"/> that exist (a property whose getter throws is left out).</summary>
        private static Dictionary<string, object?> ReadProperties(PSObject value)
        {
            var found = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            var properties = value.Properties;
            foreach (var name in MemberNames)
            {
                try
                {
                    var property = properties[name];
                    if (property != null) found[name] = property.Value;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A getter that throws: as if the property were not there.
                }
            }
            return found;
        }

        /// <summary>Whether the member is there with a value that is not empty text ($null -ne $v -and "$v" -ne '').</summary>
        private static bool IsSet(Dictionary<string, object?> members, string name, out object? item)
        {
            item = members.TryGetValue(name, out var v) ? v : null;
            return Unwrap(item) != null && AsText(item).Length != 0;
        }

        /// <summary>The member as text ("$v"), or null when it is not set.</summary>
        private static string? Text(Dictionary<string, object?> members, string name) =>
            IsSet(members, name, out var item) ? AsText(item) : null;

        /// <summary>A full path for the member, or null when it is not set.</summary>
        private static string? FullPath(Dictionary<string, object?> members, string name, PathIntrinsics paths) =>
            IsSet(members, name, out var item) ? paths.GetUnresolvedProviderPathFromPSPath(AsText(item)) : null;

        /// <summary>The value as PowerShell writes it in a string ("$v": invariant culture).</summary>
        private static string AsText(object? value)
        {
            // Text is itself (the common case, without PowerShell's conversion lookup).
            if (Unwrap(value) is string text) return text;
            try
            {
                return (string?)LanguagePrimitives.ConvertTo(value, typeof(string), CultureInfo.InvariantCulture) ?? string.Empty;
            }
            catch (PSInvalidCastException)
            {
                return Unwrap(value)?.ToString() ?? string.Empty;
            }
        }

        /// <summary>PowerShell's `$v -as [T]`: the conversion, or false when there is none.</summary>
        private static bool TryConvert<T>(object? value, out T result)
        {
            result = default!;
            try
            {
                if (LanguagePrimitives.ConvertTo(value, typeof(T), CultureInfo.InvariantCulture) is T converted)
                {
                    result = converted;
                    return true;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Not convertible ('soon' as a number, 1e12 as an int): as -as, no value.
            }
            return false;
        }

        /// <summary>A PSObject's base object, for type tests (a pscustomobject's properties are read from its wrapper).</summary>
        private static object? Unwrap(object? value)
        {
            while (value is PSObject wrapper)
            {
                var inner = wrapper.BaseObject;
                if (inner == null || ReferenceEquals(inner, value)) break;
                value = inner;
            }
            return value;
        }

        private static string DefaultHost()
        {
            var gh = Environment.GetEnvironmentVariable("GH_HOST");
            return string.IsNullOrEmpty(gh) ? "github.com" : gh;
        }

        private static ContextResolution Fail(string message) => new(null, message);
    }
}
