// ModuleSession: what the module keeps per module instance (in its script scope), for the script
// commands (GitHubOidc.psm1's loader) and the compiled ones (GetSubjectClaimCommand) alike: the
// format views, registered once, on the first command; the context resolution remembered for the
// next command ($script:GitHubOidcContextCache). And whether a command's verbose or debug line
// is wanted, as PowerShell decides it for that command.

using System;
using System.IO;
using System.Management.Automation;

namespace GitHubOidc.Native
{
    /// <summary>The module instance's shared state; see the file's header.</summary>
    public static class ModuleSession
    {
        /// <summary>
        /// Registers the module's format views once per module instance: the nested module
        /// format/GitHubOidc.Format.psd1 (FormatsToProcess), imported in the module's own scope,
        /// so it is hidden from Get-Module (Get-Module -All shows it) and removed with GitHubOidc.
        /// Not at import: format data there makes PowerShell load its whole format database; and
        /// Import-Module rather than Update-FormatData, which would first auto-load
        /// Microsoft.PowerShell.Utility.
        /// </summary>
        public static void RegisterFormats(PSModuleInfo? module)
        {
            var state = module?.SessionState;
            if (module == null || state == null) return;
            if (LanguagePrimitives.IsTrue(state.PSVariable.GetValue("script:GitHubOidcFormatLoaded"))) return;
            state.PSVariable.Set("script:GitHubOidcFormatLoaded", true);
            var formats = Path.Combine(module.ModuleBase, "format", "GitHubOidc.Format.psd1");
            if (File.Exists(formats))
            {
                module.Invoke(ScriptBlock.Create("Import-Module -Name $args[0] -Verbose:$false"), formats);
            }
        }

        /// <summary>The module instance's ContextCache ($script:GitHubOidcContextCache), made on first use.</summary>
        public static ContextCache? ContextCacheOf(SessionState? module)
        {
            if (module == null) return null;
            if (module.PSVariable.GetValue("script:GitHubOidcContextCache") is ContextCache cache) return cache;
            cache = new ContextCache();
            module.PSVariable.Set("script:GitHubOidcContextCache", cache);
            return cache;
        }

        /// <summary>PowerShell's own WriteDebug that does not prompt (what Write-Debug -Debug uses); null when this PowerShell has none.</summary>
        private static readonly System.Reflection.MethodInfo? DebugWithoutInquire =
            typeof(PSCmdlet).Assembly.GetType("System.Management.Automation.MshCommandRuntime")?.GetMethod(
                "WriteDebug",
                System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic,
                null,
                new[] { typeof(DebugRecord), typeof(bool) },
                null);

        /// <summary>
        /// Writes a debug line. A compiled cmdlet given -Debug would ask about each line (its
        /// DebugPreference becomes Inquire) where a script command just writes it; the line is
        /// written as Write-Debug -Debug writes it, without the question, as the script commands do.
        /// </summary>
        public static void WriteDebug(PSCmdlet cmdlet, string text)
        {
            if (cmdlet == null) throw new ArgumentNullException(nameof(cmdlet));
            if (DebugWithoutInquire != null && cmdlet.CommandRuntime != null &&
                DebugWithoutInquire.DeclaringType!.IsInstanceOfType(cmdlet.CommandRuntime) &&
                cmdlet.MyInvocation.BoundParameters.TryGetValue("Debug", out var given) && LanguagePrimitives.IsTrue(given))
            {
                DebugWithoutInquire.Invoke(cmdlet.CommandRuntime, new object[] { new DebugRecord(text), true });
                return;
            }
            cmdlet.WriteDebug(text);
        }

        /// <summary>
        /// Whether the command's Verbose or Debug stream shows: its own -Verbose/-Debug when given
        /// (a compiled cmdlet's preference variables are not set by them), else the preference
        /// variable as <paramref name="state"/> sees it (a script's $ExecutionContext.SessionState:
        /// an advanced function's -Verbose sets its local $VerbosePreference).
        /// </summary>
        public static bool IsShown(PSCmdlet? cmdlet, SessionState? state, string stream)
        {
            if (cmdlet != null && cmdlet.MyInvocation.BoundParameters.TryGetValue(stream, out var given))
            {
                return LanguagePrimitives.IsTrue(given);
            }
            var preference = state?.PSVariable.GetValue(stream + "Preference");
            return preference is ActionPreference action
                ? action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore
                : preference != null && !"SilentlyContinue".Equals(preference.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
