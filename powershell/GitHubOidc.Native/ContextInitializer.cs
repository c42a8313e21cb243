// ContextInitializer: a command's -Context, resolved once per command (its begin block), for
// Private/Initialize-GitHubOidcContext.ps1 (its PowerShell face) and for the commands that call
// it directly. Written in C# because every session's first command runs it (issue 20: the
// script version cost that command ~90 ms of compilation); the rules and texts are those of the
// script it replaces.
//
// The steps: the value shaped by ContextResolver; the session's network variables added; the
// native layer asked to check and describe the context (ghoidc_context: host kind, API base,
// issuer, which token variables apply, warnings); a missing token looked up in those
// environment variables, then with 'gh auth token --hostname HOST' (TokenSource says where it
// came from; the token is never written to any stream); with requireToken, a context without a
// token or a GitHub App fails before any request, in the native layer's words.
//
// The resolution is remembered for the next command (ContextCache, one entry per module
// instance): given the same -Context again (ContextSnapshot) while GH_HOST, the token variables
// and the network variables hold the same values, that command gets the same ContextState
// without asking the native layer again. Not remembered: a token from gh or no token (gh may
// answer differently later), a PrivateKeyPath or a relative CachePath (both relative to the
// current location), and values ContextSnapshot cannot compare (objects, SecureStrings).

using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace GitHubOidc.Native
{
    /// <summary>A resolved -Context: what requests carry, what the native layer said of it, and its host name.</summary>
    public sealed class ContextState
    {
        internal ContextState(GitHubOidcContext context, Hashtable info, string target)
        {
            Context = context;
            Info = info;
            Target = target;
        }

        /// <summary>The context to pass in requests.</summary>
        public GitHubOidcContext Context { get; }

        /// <summary>The native layer's description (ghoidc_context's answer) plus has_token.</summary>
        public Hashtable Info { get; }

        /// <summary>The host name, for messages and objects.</summary>
        public string Target { get; }
    }

    /// <summary>The last remembered resolution of a module instance (see ContextInitializer).</summary>
    public sealed class ContextCache
    {
        internal ContextSnapshot? Snapshot;
        internal ContextState? State;
        internal string? Verbose;
        internal bool HasCredential;
        internal string[] Warnings = Array.Empty<string>();
    }

    /// <summary>Resolves a command's -Context; see the file's header.</summary>
    public static class ContextInitializer
    {
        /// <summary>
        /// The ContextState for <paramref name="context"/>, or the ErrorRecord saying why it
        /// cannot be used. Verbose and warning lines are written to <paramref name="writer"/>
        /// (the command running). <paramref name="state"/> is the calling script's
        /// $ExecutionContext.SessionState: relative paths are resolved against its location, and
        /// its $DebugPreference decides the debug line. With <paramref name="throwTerminating"/>
        /// an error is thrown as that command's terminating error instead of returned.
        /// </summary>
        public static object Initialize(
            PSCmdlet writer, SessionState state, bool throwTerminating, PSObject? context, bool noToken, bool requireToken, ContextCache? cache)
        {
            if (writer == null) throw new ArgumentNullException(nameof(writer));
            if (state == null) throw new ArgumentNullException(nameof(state));
            var result = Resolve(writer, state, context, noToken, requireToken, cache);
            if (throwTerminating && result is ErrorRecord record)
            {
                writer.ThrowTerminatingError(record);
            }
            return result;
        }

        private static object Resolve(PSCmdlet writer, SessionState state, PSObject? context, bool noToken, bool requireToken, ContextCache? cache)
        {
            var value = context?.BaseObject;
            if (cache?.Snapshot != null && cache.State != null && (cache.HasCredential || !requireToken) && cache.Snapshot.Matches(value, noToken))
            {
                writer.WriteVerbose(cache.Verbose);
                foreach (var warning in cache.Warnings) writer.WriteWarning(warning);
                return cache.State;
            }

            var resolution = ContextResolver.Resolve(context, noToken, state.Path);
            if (resolution.Error != null)
            {
                return ErrorRecords.FromMessage(resolution.Error, null, ErrorCategory.InvalidArgument, null, "Context");
            }
            var resolved = resolution.Context!;
            // Proxy and certificate variables as this session sees them (Rust names them; a
            // native layer that cannot name them is this command's GitHubOidc.Internal error).
            try
            {
                resolved.Environment = ContextResolver.NetworkEnvironment();
            }
            catch (InvalidOperationException e)
            {
                return ErrorRecords.FromException(e, "Context", resolved.Token);
            }
            var answer = NativeCommand.Send(writer, state, new ContextRequest { Context = resolved });
            if (!answer.Ok || answer.Value is not Hashtable info)
            {
                // Not the context's text as the target: a host name that is really a token must not be echoed.
                var error = (Exception?)answer.Error ?? new InvalidOperationException("The native layer did not describe the context.");
                return ErrorRecords.FromException(error, "Context", resolved.Token);
            }
            // Said once by the native layer (a corrupt cache file), not with each command.
            var cacheWarnings = Texts(info["cache_warnings"]);

            var app = info["app"] as Hashtable;
            if (!noToken && string.IsNullOrEmpty(resolved.Token) && app == null)
            {
                FindToken(writer, resolved, Texts(info["token_variables"]), info["gh_host"] as string);
            }
            var hasToken = !string.IsNullOrEmpty(resolved.Token);
            info["has_token"] = hasToken;

            var hostName = info["host_name"] as string ?? string.Empty;
            if (requireToken && !hasToken && app == null)
            {
                // The native layer's words (one wording for every host kind, also for its own check).
                return ErrorRecords.FromMessage(
                    info["missing_token_message"] as string ?? string.Empty, null, ErrorCategory.AuthenticationError,
                    "Give a token or a GitHub App in -Context, or set one of the token variables the message names.", hostName);
            }

            var source = app != null
                ? $" (GitHub App {app["issuer"]})"
                : string.IsNullOrEmpty(resolved.TokenSource) ? string.Empty : $" (token from {resolved.TokenSource})";
            var proxy = LanguagePrimitives.IsTrue(info["proxy"]) ? $", proxy {info["proxy"]}" : string.Empty;
            var verbose = $"GitHubOidc: {hostName}, API {info["api_base_uri"]}, issuer {info["issuer_uri"]}{proxy}{source}.";
            writer.WriteVerbose(verbose);
            // An http:// URL allowed with AllowInsecureHttp: said on every call.
            var warnings = Texts(info["warnings"]);
            foreach (var warning in warnings) writer.WriteWarning(warning);
            foreach (var warning in cacheWarnings) writer.WriteWarning(warning);

            var resolvedState = new ContextState(resolved, info, hostName);
            if (cache != null)
            {
                Remember(cache, value, noToken, resolved, info, app != null, resolvedState, verbose, warnings);
            }
            return resolvedState;
        }

        /// <summary>
        /// Keeps the resolution for the next command unless it depends on more than the value and
        /// the environment: a token from gh (or none found: gh may have one later), or a path
        /// resolved against the current location (PrivateKeyPath, a relative CachePath).
        /// </summary>
        private static void Remember(
            ContextCache cache, object? value, bool noToken, GitHubOidcContext resolved, Hashtable info, bool isApp,
            ContextState state, string verbose, string[] warnings)
        {
            var hasToken = !string.IsNullOrEmpty(resolved.Token);
            var relativeCache = value is IDictionary dictionary && LanguagePrimitives.IsTrue(dictionary["CachePath"]) &&
                !Path.IsPathRooted(PSObject.AsPSObject(dictionary["CachePath"]).ToString());
            var remembered = noToken || isApp || (hasToken && resolved.TokenSource != "gh");
            if (!string.IsNullOrEmpty(resolved.PrivateKeyPath) || relativeCache || !remembered)
            {
                return;
            }
            var variables = new List<string> { "GH_HOST" };
            variables.AddRange(Texts(info["token_variables"]));
            variables.AddRange(Texts(info["network_variables"]));
            var snapshot = ContextSnapshot.Take(value, noToken, variables.ToArray());
            cache.Snapshot = snapshot;
            cache.State = snapshot == null ? null : state;
            cache.Verbose = verbose;
            cache.HasCredential = isApp || hasToken;
            cache.Warnings = warnings;
        }

        /// <summary>
        /// Fills the context's Token from the first of <paramref name="variables"/> that is set
        /// (read here, not in the native library: PowerShell's $env: changes are not visible to
        /// native code on Linux and macOS), else from the GitHub CLI; leaves it empty when neither
        /// has one.
        /// </summary>
        private static void FindToken(PSCmdlet writer, GitHubOidcContext context, string[] variables, string? ghHost)
        {
            foreach (var name in variables)
            {
                var fromEnvironment = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrEmpty(fromEnvironment))
                {
                    context.Token = fromEnvironment;
                    context.TokenSource = name;
                    return;
                }
            }
            if (string.IsNullOrEmpty(ghHost)) return;
            var gh = writer.InvokeCommand.GetCommand("gh", CommandTypes.Application) as ApplicationInfo;
            if (gh == null) return;
            writer.WriteVerbose($"GitHubOidc: asking the GitHub CLI for a token for {ghHost}.");
            string? token;
            try
            {
                token = AskGh(gh.Path, ghHost!);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException || e is IOException)
            {
                writer.WriteVerbose($"GitHubOidc: the GitHub CLI gave no token for {ghHost}.");
                return;
            }
            if (token == null) return;
            context.Token = token;
            context.TokenSource = "gh";
        }

        /// <summary>'gh auth token --hostname HOST' without prompts: its token, or null when it gave none (throws when it cannot run).</summary>
        private static string? AskGh(string path, string ghHost)
        {
            var start = new ProcessStartInfo(path)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                StandardOutputEncoding = Encoding.UTF8,
            };
            foreach (var argument in new[] { "auth", "token", "--hostname", ghHost }) start.ArgumentList.Add(argument);
            start.Environment["GH_PROMPT_DISABLED"] = "1";
            using var process = Process.Start(start);
            if (process == null) return null;
            process.StandardInput.Close();
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) return null;
            var token = output.Replace("\r", string.Empty).Replace("\n", string.Empty).Trim();
            return token.Length == 0 ? null : token;
        }

        /// <summary>The non-empty texts of a JSON array answer (or of a single text).</summary>
        private static string[] Texts(object? value)
        {
            var texts = new List<string>();
            if (value is object[] items)
            {
                foreach (var item in items)
                {
                    if (item is string s && s.Length > 0) texts.Add(s);
                }
            }
            else if (value is string single && single.Length > 0)
            {
                texts.Add(single);
            }
            return texts.ToArray();
        }
    }
}
