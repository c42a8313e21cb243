// GitHubOidc.RepositoryState: one repository of a fleet inventory (Get-GitHubOidcRepository),
// as a typed .NET object rather than a PSCustomObject, so an inventory of thousands of
// repositories stays small in the PowerShell process. It only carries the native answer's
// values (Source, IncludeClaimKeys and Immutable are decided in Rust); it decides nothing.

using System;
using System.Collections;

namespace GitHubOidc
{
    /// <summary>One repository's OIDC subject settings, as a fleet inventory reads them.</summary>
    public sealed class RepositoryState
    {
        public string Owner { get; init; } = "";
        public string Repository { get; init; } = "";
        public long RepositoryId { get; init; }
        public long OwnerId { get; init; }
        public string Visibility { get; init; } = "";
        public bool Archived { get; init; }
        /// <summary>Default, Organization or Repository.</summary>
        public string Source { get; init; } = "";
        /// <summary>The effective keys, whatever the source.</summary>
        public string[] IncludeClaimKeys { get; init; } = Array.Empty<string>();
        /// <summary>The repository's own keys when Source is Repository.</summary>
        public string[]? OwnClaimKeys { get; init; }
        public bool? UseDefault { get; init; }
        /// <summary>GitHub's opt-in flag as the repository reports it (not the effective format).</summary>
        public bool? UseImmutableSubject { get; init; }
        public string? SubClaimPrefix { get; init; }
        /// <summary>Tokens carry the ID-based subject now.</summary>
        public bool Immutable { get; init; }
        public string ImmutablePrefix { get; init; } = "";
        public string LegacyPrefix { get; init; } = "";
        public string? HostName { get; init; }

        public override string ToString() => $"{Owner}/{Repository}";

        /// <summary>The object of a native `RepositoryState` answer (snake_case members).</summary>
        public static RepositoryState FromAnswer(Hashtable state, string? hostName)
        {
            if (state == null) throw new ArgumentNullException(nameof(state));
            return new RepositoryState
            {
                Owner = state["owner"] as string ?? "",
                Repository = state["repository"] as string ?? "",
                RepositoryId = Convert.ToInt64(state["repository_id"] ?? 0L, System.Globalization.CultureInfo.InvariantCulture),
                OwnerId = Convert.ToInt64(state["owner_id"] ?? 0L, System.Globalization.CultureInfo.InvariantCulture),
                Visibility = state["visibility"] as string ?? "",
                Archived = state["archived"] is true,
                Source = state["source"] as string ?? "",
                IncludeClaimKeys = Strings(state["include_claim_keys"]) ?? Array.Empty<string>(),
                OwnClaimKeys = Strings(state["own_claim_keys"]),
                UseDefault = state["use_default"] as bool?,
                UseImmutableSubject = state["use_immutable_subject"] as bool?,
                SubClaimPrefix = state["sub_claim_prefix"] as string,
                Immutable = state["immutable"] is true,
                ImmutablePrefix = state["immutable_prefix"] as string ?? "",
                LegacyPrefix = state["legacy_prefix"] as string ?? "",
                HostName = hostName,
            };
        }

        private static string[]? Strings(object? value) =>
            value is object[] items ? Array.ConvertAll(items, x => x?.ToString() ?? "") : null;
    }
}
