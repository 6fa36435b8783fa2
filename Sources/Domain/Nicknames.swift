/// Common English first names and their usual short forms. Two names are the same person's when they share a
/// group. Used only to offer possible duplicates, never to merge.
public enum Nicknames {
    static let groups: [[String]] = [
        ["thomas", "tom", "tommy"], ["james", "jim", "jimmy", "jamie"], ["william", "will", "bill", "billy", "liam"],
        ["robert", "rob", "bob", "bobby", "robbie"], ["michael", "mike", "mikey", "mick"], ["daniel", "dan", "danny"],
        ["david", "dave", "davey"], ["christopher", "chris", "kit"], ["matthew", "matt", "matty"],
        ["alexander", "alex", "al", "xander"], ["alexandra", "alex", "lexi", "sandra"], ["samuel", "sam", "sammy"],
        ["samantha", "sam", "sammy"], ["joseph", "joe", "joey"], ["benjamin", "ben", "benny"],
        ["nicholas", "nick", "nicky"], ["anthony", "tony", "ant"], ["andrew", "andy", "drew"],
        ["stephen", "steven", "steve", "stevie"], ["richard", "rich", "richie", "ricky"], ["edward", "ed", "eddie", "ted"],
        ["charles", "charlie", "chas"], ["jonathan", "jon", "jonny"], ["john", "johnny", "jack"], ["henry", "harry", "hal"],
        ["katherine", "catherine", "kate", "katie", "kat", "cath", "kathy"], ["elizabeth", "liz", "lizzie", "beth", "eliza", "betty"],
        ["rebecca", "becky", "becca"], ["jessica", "jess", "jessie"], ["victoria", "vicky", "tori"],
        ["jennifer", "jen", "jenny"], ["susan", "sue", "suzy"], ["natasha", "tash", "tasha", "nat"],
        ["natalie", "nat"], ["nathan", "nate", "nat"], ["nathaniel", "nate", "nat"], ["abigail", "abi", "abby"],
        ["eleanor", "ellie", "nell"], ["madison", "maddie"], ["madeleine", "maddie"],
        ["mohammed", "muhammad", "mohammad", "mohamed", "mo"], ["zachary", "zach", "zack", "zak"],
        ["frederick", "fred", "freddie"], ["gregory", "greg"], ["patrick", "pat", "paddy"], ["patricia", "pat", "trish"],
        ["francis", "frank", "frankie"], ["francesca", "fran", "frankie"], ["joshua", "josh"], ["jacob", "jake"],
        ["kenneth", "ken", "kenny"], ["leonard", "leo", "len", "lenny"], ["oliver", "ollie", "olly"],
        ["isabella", "isabelle", "bella", "izzy"], ["olivia", "liv", "livvy"], ["amelia", "millie", "amy"],
        ["charlotte", "lottie", "charlie"], ["georgina", "georgie", "gina"], ["margaret", "maggie", "meg", "peggy"],
        ["kyle", "ky"], ["tyrone", "ty"], ["tyler", "ty"], ["dominic", "dom"], ["cameron", "cam"], ["callum", "cal"],
    ]

    private static let groupsByName: [String: Set<Int>] = {
        var index: [String: Set<Int>] = [:]
        for (number, group) in groups.enumerated() {
            for name in group { index[name, default: []].insert(number) }
        }
        return index
    }()

    /// True when two folded first names are short and long forms of each other (and not simply equal).
    public static func areEquivalent(_ a: String, _ b: String) -> Bool {
        guard a != b, let left = groupsByName[a], let right = groupsByName[b] else { return false }
        return !left.isDisjoint(with: right)
    }
}
