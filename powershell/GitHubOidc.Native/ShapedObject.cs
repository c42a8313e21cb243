// ShapedObject: builds the PSCustomObject a command returns: the same object as
// [pscustomobject]@{ PSTypeName = ...; ... } plus alias properties, without PowerShell's
// conversion and member-adding paths, which a fresh process compiles on its first command
// (issue 20: the first call as fast as the rest). Create takes the names and values a script
// chose; SubjectClaim is the GitHubOidc.SubjectClaim object of Get- and Set-GitHubOidcSubjectClaim
// (the commands a fresh pwsh's first call is measured with). Neither decides anything of
// GitHub's: the values are the native answer's.

using System;
using System.Collections;
using System.Management.Automation;

namespace GitHubOidc.Native
{
    /// <summary>Builds a command's output object; see the file's header.</summary>
    public static class ShapedObject
    {
        /// <summary>
        /// A PSCustomObject whose first type name is <paramref name="typeName"/> (what the format
        /// views key on), with <paramref name="properties"/> as note properties in their order and
        /// <paramref name="aliases"/> (alias name → property name) as alias properties.
        /// </summary>
        public static PSObject Create(string typeName, IDictionary properties, IDictionary? aliases)
        {
            if (string.IsNullOrEmpty(typeName)) throw new ArgumentException("A type name is required.", nameof(typeName));
            if (properties == null) throw new ArgumentNullException(nameof(properties));
            var shaped = new PSObject();
            shaped.TypeNames.Insert(0, typeName);
            foreach (DictionaryEntry property in properties)
            {
                shaped.Properties.Add(new PSNoteProperty(property.Key.ToString(), property.Value));
            }
            if (aliases != null)
            {
                foreach (DictionaryEntry alias in aliases)
                {
                    shaped.Properties.Add(new PSAliasProperty(alias.Key.ToString(), alias.Value?.ToString()));
                }
            }
            return shaped;
        }

        /// <summary>GitHub's property names → the GitHubOidc.SubjectClaim object's (alias properties of every such object).</summary>
        private static readonly IDictionary SubjectClaimAliases = new System.Collections.Specialized.OrderedDictionary
        {
            { "include_claim_keys", "IncludeClaimKeys" },
            { "use_default", "UseDefault" },
            { "use_immutable_subject", "UseImmutableSubject" },
            { "sub_claim_prefix", "SubClaimPrefix" },
        };

        /// <summary>
        /// A template answer of the native layer (ghoidc_get_subject_claim) as a
        /// GitHubOidc.SubjectClaim: Owner, Repository (only for a repository: a null Repository
        /// would make pipeline binding to Set-GitHubOidcSubjectClaim fail instead of choosing the
        /// organization parameter set), UseDefault, IncludeClaimKeys, UseImmutableSubject,
        /// SubClaimPrefix, Customized and HostName, with GitHub's own names as alias properties
        /// (scripts written for PSModule/GitHub keep working; per object rather than a
        /// types.ps1xml, whose import reloads PowerShell's whole type table).
        /// </summary>
        public static PSObject SubjectClaim(IDictionary answer, string? hostName)
        {
            if (answer == null) throw new ArgumentNullException(nameof(answer));
            var properties = new System.Collections.Specialized.OrderedDictionary
            {
                { "Owner", answer["owner"]?.ToString() ?? string.Empty },
            };
            if (LanguagePrimitives.IsTrue(answer["repository"]))
            {
                properties["Repository"] = answer["repository"]!.ToString();
            }
            properties["UseDefault"] = answer["use_default"];
            properties["IncludeClaimKeys"] = answer["include_claim_keys"] is { } keys
                ? LanguagePrimitives.ConvertTo<string[]>(keys)
                : null;
            properties["UseImmutableSubject"] = answer["use_immutable_subject"];
            properties["SubClaimPrefix"] = answer["sub_claim_prefix"];
            properties["Customized"] = LanguagePrimitives.IsTrue(answer["customized"]);
            properties["HostName"] = hostName ?? string.Empty;
            return Create("GitHubOidc.SubjectClaim", properties, SubjectClaimAliases);
        }
    }
}
