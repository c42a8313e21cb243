// ShapedObject: builds the PSCustomObject a command returns from the names and values the
// PowerShell layer chose (it decides nothing: the shape stays in powershell/Private). The same
// object as [pscustomobject]@{ PSTypeName = ...; ... } plus alias properties, without
// PowerShell's conversion and member-adding paths, which a fresh process compiles on its first
// command (issue 20: the first call as fast as the rest).

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
    }
}
