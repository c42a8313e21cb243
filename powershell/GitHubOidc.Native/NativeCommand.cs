// NativeCommand: one request of a running command, for Private/Invoke-GitHubOidcNative.ps1 (its
// PowerShell face, which tests mock) and for the commands that call it directly. It sends the
// request (NativeClient.Invoke) and returns the answer; a failure becomes the command's
// GitHubOidc.* ErrorRecord (ErrorRecords.FromException), written to it, or thrown as its
// terminating error, with every secret of the request (its Token, its context's Token and
// PrivateKey) kept out of the record. In C# because every session's first command runs it
// (issue 20).

using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace GitHubOidc.Native
{
    /// <summary>Sends a command's request and reports its failure; see the file's header.</summary>
    public static class NativeCommand
    {
        /// <summary>
        /// The answer to <paramref name="request"/> (a case-insensitive Hashtable or an object[]),
        /// or null when it failed: then the failure was written to <paramref name="cmdlet"/>
        /// (thrown as its terminating error with <paramref name="terminating"/>) and added to
        /// <paramref name="failures"/> when given. Without a cmdlet the GitHubOidcException is
        /// returned instead. <paramref name="writer"/> receives the debug line when
        /// $DebugPreference, as the calling script sees it (<paramref name="state"/>:
        /// $ExecutionContext.SessionState), asks for it.
        /// </summary>
        public static object? Invoke(
            PSCmdlet? writer, SessionState? state, INativeRequest request, PSCmdlet? cmdlet, object? target, bool terminating, IList? failures)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var result = Send(writer, state, request);
            if (result.Ok)
            {
                return result.Value;
            }
            if (cmdlet == null)
            {
                return result.Error;
            }
            var context = NativeClient.ContextOf(request);
            var secrets = new List<string?> { request.GetType().GetProperty("Token")?.GetValue(request) as string };
            if (context != null)
            {
                secrets.Add(context.Token);
                secrets.Add(context.PrivateKey);
            }
            var record = ErrorRecords.FromException(result.Error!, target, secrets.ToArray());
            failures?.Add(record);
            if (terminating)
            {
                cmdlet.ThrowTerminatingError(record);
            }
            cmdlet.WriteError(record);
            return null;
        }

        /// <summary>Sends the request (NativeClient.Invoke), after its debug line.</summary>
        internal static NativeResult Send(PSCmdlet? writer, SessionState? state, INativeRequest request)
        {
            if (writer != null && ModuleSession.IsShown(writer, state, "Debug"))
            {
                // The context's text is what the user typed (a host name that may really be a token).
                var context = NativeClient.ContextOf(request);
                var where = context == null ? string.Empty : $" ({NativeClient.Redact(context.ToString())})";
                ModuleSession.WriteDebug(writer, $"GitHubOidc: native {request.Export}{where}");
            }
            return NativeClient.Invoke(request);
        }
    }
}
