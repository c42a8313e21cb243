// Implementation: what Import-GitHubOidcImplementation (GitHubOidc.psm1) reads on a command's
// first call. The built module keeps each command's blocks, each file of Private/ and
// completers.ps1 as a unit in implementation/<Unit>.ps1 (build.ps1 Write-ModuleScript), whose
// third line names the units it uses ('# Uses: A B'). Read returns the text of the units named
// and of all they use that are not read yet, as one script, so PowerShell parses and compiles
// it once; done here because each .NET call a script makes for the first time costs a fresh
// process milliseconds (issue 20: the first call as fast as the rest). It decides nothing else.

using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace GitHubOidc.Native
{
    /// <summary>Reads the module's implementation units; see the file's header.</summary>
    public static class Implementation
    {
        private const string UsesMarker = "# Uses:";

        /// <summary>
        /// The text of the units <paramref name="names"/> (all units of <paramref name="folder"/>
        /// when null or empty) and of those they use, leaving out and adding to
        /// <paramref name="read"/> (unit name → true); empty when all were read.
        /// </summary>
        public static string Read(string folder, string[]? names, IDictionary read)
        {
            if (folder == null) throw new ArgumentNullException(nameof(folder));
            if (read == null) throw new ArgumentNullException(nameof(read));
            var queue = new Queue<string>();
            if (names == null || names.Length == 0)
            {
                foreach (var path in Directory.GetFiles(folder, "*.ps1")) queue.Enqueue(Path.GetFileNameWithoutExtension(path));
            }
            else
            {
                foreach (var name in names) queue.Enqueue(name);
            }
            var text = new StringBuilder();
            while (queue.Count > 0)
            {
                var unit = queue.Dequeue();
                if (string.IsNullOrEmpty(unit) || read.Contains(unit)) continue;
                read[unit] = true;
                var source = File.ReadAllText(Path.Combine(folder, unit + ".ps1"));
                // A unit's top level only defines functions and $script: values: any order works.
                text.AppendLine(source);
                var uses = source.IndexOf(UsesMarker, StringComparison.Ordinal);
                if (uses < 0) continue;
                var end = source.IndexOf('\n', uses);
                var line = source.Substring(uses + UsesMarker.Length, (end < 0 ? source.Length : end) - uses - UsesMarker.Length);
                foreach (var used in line.Split(new[] { ' ', '\r' }, StringSplitOptions.RemoveEmptyEntries)) queue.Enqueue(used);
            }
            return text.ToString();
        }
    }
}
